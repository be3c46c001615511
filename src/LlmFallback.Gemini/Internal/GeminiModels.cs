namespace LlmFallback.Gemini;

/// <summary>Token limits of current Gemini models (Gemini API model pages), used to fill capabilities configuration left unset.</summary>
internal static class GeminiModels
{
    // Longest prefix first. Input limit = context window; output limit = most tokens in one answer.
    private static readonly (string Prefix, int ContextWindow, int MaxOutputTokens)[] Limits =
    [
        ("gemini-3", 1_048_576, 65_536),
        ("gemini-2.5", 1_048_576, 65_536),
        ("gemini-flash-lite-latest", 1_048_576, 65_536),
        ("gemini-flash-latest", 1_048_576, 65_536),
        ("gemini-pro-latest", 1_048_576, 65_536),
        ("gemini-2.0-flash", 1_048_576, 8_192),
        ("gemini-1.5-pro", 2_097_152, 8_192),
        ("gemini-1.5-flash", 1_048_576, 8_192),
    ];

    // Image, speech and live variants share a family prefix but not its limits.
    private static readonly string[] Excluded = ["image", "tts", "audio", "live", "embedding"];

    /// <summary>Looks up a model's limits; <see langword="false"/> for models this table does not know.</summary>
    public static bool TryGetLimits(string model, out int contextWindow, out int maxOutputTokens)
    {
        var name = GeminiNames.BaseModel(model);
        foreach (var word in Excluded)
        {
            if (name.Contains(word, StringComparison.OrdinalIgnoreCase))
            {
                contextWindow = maxOutputTokens = 0;
                return false;
            }
        }

        foreach (var (prefix, window, output) in Limits)
        {
            if (name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            {
                contextWindow = window;
                maxOutputTokens = output;
                return true;
            }
        }

        contextWindow = maxOutputTokens = 0;
        return false;
    }
}
