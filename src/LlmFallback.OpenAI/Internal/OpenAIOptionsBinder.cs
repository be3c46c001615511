using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace LlmFallback.OpenAI;

/// <summary>
/// Binds each provider's <see cref="OpenAIProviderOptions"/> from its own section, <c>Providers:&lt;name&gt;</c> of the
/// LLM configuration, so one provider is configured in one place. Runs before the options code adds.
/// </summary>
internal sealed class OpenAIOptionsBinder(IConfiguration configuration) : IConfigureNamedOptions<OpenAIProviderOptions>
{
    public void Configure(string? name, OpenAIProviderOptions options)
    {
        if (!string.IsNullOrEmpty(name))
        {
            configuration.GetSection("Providers").GetSection(name).Bind(options);
        }
    }

    public void Configure(OpenAIProviderOptions options) => Configure(Options.DefaultName, options);
}
