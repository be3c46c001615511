using Microsoft.Extensions.Options;

namespace LlmFallback.Gemini;

/// <summary>
/// Fills the capabilities a Gemini provider's configuration and code left unset (<see langword="null"/>): vision and
/// JSON schema are on (every Gemini model has them), and the context window and output limit come from the model. A
/// value set in either, <see langword="true"/> or <see langword="false"/>, always wins.
/// </summary>
internal sealed class GeminiCapabilityDefaults : IPostConfigureOptions<LlmProviderOptions>
{
    public void PostConfigure(string? name, LlmProviderOptions options)
    {
        if (!GeminiRegistration.IsGemini(options.Type) || options.Capabilities is not { } capabilities)
        {
            return;
        }

        capabilities.Vision ??= true;
        capabilities.JsonSchema ??= true;

        // PrefillContinuation stays unset (the library's false): the API reference does not document continuing a
        // trailing "model" turn, and newer models reject such requests with 400 INVALID_ARGUMENT.
        if (options.Model is { } model && GeminiModels.TryGetLimits(model, out var contextWindow, out var maxOutputTokens))
        {
            capabilities.ContextWindow ??= contextWindow;
            capabilities.MaxOutputTokens ??= maxOutputTokens;
        }
    }
}
