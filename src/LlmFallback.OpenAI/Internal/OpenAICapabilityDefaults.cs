using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace LlmFallback.OpenAI;

/// <summary>
/// Fills in what well-known models can do, and whether a self-hosted preset continues prefills, where the
/// provider's configuration did not say. A value present in configuration always wins; in code, a capability left
/// at its default value counts as unset (turn <see cref="OpenAIProviderOptions.ApplyCapabilityDefaults"/> off to opt out).
/// </summary>
internal sealed class OpenAICapabilityDefaults(IOptionsMonitor<OpenAIProviderOptions> adapters, IConfiguration? configuration) : IPostConfigureOptions<LlmProviderOptions>
{
    public void PostConfigure(string? name, LlmProviderOptions options)
    {
        if (name is null || options.Capabilities is not { } capabilities)
        {
            return;
        }

        var adapter = adapters.Get(name);
        if (!adapter.ApplyCapabilityDefaults || OpenAIProviderSettings.Resolve(options, adapter) is not { } settings)
        {
            return;
        }

        var configured = configuration?.GetSection($"Providers:{name}:Capabilities");
        bool IsSet(string key) => configured?[key] is not null;

        if (OpenAIModelCatalog.Find(options.Model) is { } facts)
        {
            capabilities.ContextWindow ??= facts.ContextWindow;
            capabilities.MaxOutputTokens ??= facts.MaxOutputTokens;
            if (!IsSet(nameof(LlmProviderCapabilities.Tools)) && capabilities.Tools)
            {
                capabilities.Tools = facts.Tools;
            }

            if (!IsSet(nameof(LlmProviderCapabilities.Vision)) && !capabilities.Vision)
            {
                capabilities.Vision = facts.Vision;
            }

            if (!IsSet(nameof(LlmProviderCapabilities.JsonSchema)) && !capabilities.JsonSchema)
            {
                capabilities.JsonSchema = facts.JsonSchema;
            }
        }

        if (settings.Preset is { PrefillByDefault: true }
            && settings.PrefillMode != OpenAIPrefillMode.None
            && !IsSet(nameof(LlmProviderCapabilities.PrefillContinuation)))
        {
            capabilities.PrefillContinuation = true;
        }
    }
}
