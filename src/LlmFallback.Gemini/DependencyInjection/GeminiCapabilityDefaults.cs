using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace LlmFallback.Gemini;

/// <summary>
/// Fills capabilities a Gemini provider's configuration left unset: vision and JSON schema are on (every Gemini model
/// has them), and the context window and output limit come from the model. Values set in configuration or in code win.
/// </summary>
internal sealed class GeminiCapabilityDefaults(IConfiguration? configuration) : IConfigureNamedOptions<LlmProviderOptions>, IPostConfigureOptions<LlmProviderOptions>
{
    public void Configure(LlmProviderOptions options) => Configure(Options.DefaultName, options);

    public void Configure(string? name, LlmProviderOptions options)
    {
        if (GeminiRegistration.IsGemini(options.Type))
        {
            ApplyFlags(name, options);
        }
    }

    /// <summary>Runs after configuration binding and before code-first configuration, so both can override it.</summary>
    public void ApplyFlags(string? name, LlmProviderOptions options)
    {
        if (options.Capabilities is not { } capabilities)
        {
            return;
        }

        var section = name is null ? null : configuration?.GetSection("Providers").GetSection(name).GetSection("Capabilities");
        if (section?["Vision"] is null)
        {
            capabilities.Vision = true;
        }

        if (section?["JsonSchema"] is null)
        {
            capabilities.JsonSchema = true;
        }

        // PrefillContinuation stays false (the core default): the API reference does not document continuing a
        // trailing "model" turn, and newer models reject such requests with 400 INVALID_ARGUMENT.
    }

    /// <summary>Runs last, once the model is known; only fills limits nobody set.</summary>
    public void PostConfigure(string? name, LlmProviderOptions options)
    {
        if (!GeminiRegistration.IsGemini(options.Type) || options.Model is not { } model || options.Capabilities is not { } capabilities
            || !GeminiModels.TryGetLimits(model, out var contextWindow, out var maxOutputTokens))
        {
            return;
        }

        capabilities.ContextWindow ??= contextWindow;
        capabilities.MaxOutputTokens ??= maxOutputTokens;
    }
}
