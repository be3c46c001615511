using Microsoft.Extensions.Options;

namespace LlmFallback.OpenAI;

/// <summary>
/// Fills in what well-known models can do, and whether a self-hosted preset continues prefills, where configuration
/// and code left a capability unset (<see langword="null"/>); a value set in either, <see langword="true"/> or
/// <see langword="false"/>, always wins. Turn <see cref="OpenAIProviderOptions.ApplyCapabilityDefaults"/> off to opt out.
/// </summary>
internal sealed class OpenAICapabilityDefaults(IOptionsMonitor<OpenAIProviderOptions> adapters) : IPostConfigureOptions<LlmProviderOptions>
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

        if (OpenAIModelCatalog.Find(options.Model) is { } facts)
        {
            capabilities.ContextWindow ??= facts.ContextWindow;
            capabilities.MaxOutputTokens ??= facts.MaxOutputTokens;
            capabilities.Tools ??= facts.Tools;
            capabilities.Vision ??= facts.Vision;
            capabilities.JsonSchema ??= facts.JsonSchema;
        }

        if (settings.Preset is { PrefillByDefault: true } && settings.PrefillMode != OpenAIPrefillMode.None)
        {
            capabilities.PrefillContinuation ??= true;
        }
    }
}
