using Microsoft.Extensions.Options;

namespace LlmFallback.Anthropic;

/// <summary>
/// Fills the capabilities of an Anthropic provider's model that configuration and code left unset
/// (<see langword="null"/>): context window, maximum output, vision, JSON schema and prefill. A value set in either,
/// <see langword="true"/> or <see langword="false"/>, always wins.
/// </summary>
internal sealed class AnthropicCapabilityDefaults(IOptionsMonitor<AnthropicProviderOptions> adapterOptions) : IPostConfigureOptions<LlmProviderOptions>
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

        caps.ContextWindow ??= model.ContextWindow;
        caps.MaxOutputTokens ??= model.MaxOutputTokens;
        caps.Vision ??= true;
        caps.JsonSchema ??= model.JsonSchema;
        caps.PrefillContinuation ??= model.PrefillContinuation;
    }
}
