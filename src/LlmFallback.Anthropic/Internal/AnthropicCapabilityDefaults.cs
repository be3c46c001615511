using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace LlmFallback.Anthropic;

/// <summary>
/// Fills the capabilities of an Anthropic provider's model where they are unset: a null context window or maximum
/// output, and a vision, JSON schema or prefill flag that configuration does not name and that is still at its
/// default. Runs after configuration and code have set the options.
/// </summary>
internal sealed class AnthropicCapabilityDefaults(IConfiguration? configuration, IOptionsMonitor<AnthropicProviderOptions> adapterOptions) : IPostConfigureOptions<LlmProviderOptions>
{
    public void PostConfigure(string? name, LlmProviderOptions options)
    {
        if (string.IsNullOrEmpty(name)
            || !AnthropicProviderType.Is(options.Type)
            || options.Capabilities is not { } caps
            || !AnthropicModelCatalog.TryGet(options.Model, out var model)
            || !adapterOptions.Get(name).ApplyModelDefaults)
        {
            return;
        }

        var configured = configuration?.GetSection("Providers").GetSection(name).GetSection("Capabilities");
        caps.ContextWindow ??= model.ContextWindow;
        caps.MaxOutputTokens ??= model.MaxOutputTokens;
        if (!caps.Vision && !IsSet(configured, nameof(LlmProviderCapabilities.Vision)))
        {
            caps.Vision = true;
        }

        if (!caps.JsonSchema && !IsSet(configured, nameof(LlmProviderCapabilities.JsonSchema)))
        {
            caps.JsonSchema = model.JsonSchema;
        }

        if (!caps.PrefillContinuation && !IsSet(configured, nameof(LlmProviderCapabilities.PrefillContinuation)))
        {
            caps.PrefillContinuation = model.PrefillContinuation;
        }
    }

    private static bool IsSet(IConfigurationSection? section, string key) => section?.GetSection(key).Value is not null;
}
