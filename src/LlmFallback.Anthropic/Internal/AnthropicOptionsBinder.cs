using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace LlmFallback.Anthropic;

/// <summary>Binds <see cref="AnthropicProviderOptions"/> of each provider from <c>Providers:&lt;name&gt;</c> of the LLM configuration.</summary>
internal sealed class AnthropicOptionsBinder(IConfiguration configuration) : IConfigureNamedOptions<AnthropicProviderOptions>
{
    public void Configure(string? name, AnthropicProviderOptions options)
    {
        if (!string.IsNullOrEmpty(name))
        {
            configuration.GetSection("Providers").GetSection(name).Bind(options);
        }
    }

    public void Configure(AnthropicProviderOptions options) => Configure(Options.DefaultName, options);
}
