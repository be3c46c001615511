namespace LlmFallback.Gemini;

/// <summary>
/// Gemini <c>safetySettings</c>: harm categories and block thresholds as the API names them, checked before they are
/// sent so a typo is a clear error naming the key, not a 400 from the provider.
/// </summary>
internal static class GeminiSafety
{
    private static readonly string[] Categories =
    [
        "HARM_CATEGORY_HARASSMENT",
        "HARM_CATEGORY_HATE_SPEECH",
        "HARM_CATEGORY_SEXUALLY_EXPLICIT",
        "HARM_CATEGORY_DANGEROUS_CONTENT",
        "HARM_CATEGORY_CIVIC_INTEGRITY",
    ];

    private static readonly string[] Thresholds =
    [
        "HARM_BLOCK_THRESHOLD_UNSPECIFIED",
        "BLOCK_LOW_AND_ABOVE",
        "BLOCK_MEDIUM_AND_ABOVE",
        "BLOCK_ONLY_HIGH",
        "BLOCK_NONE",
        "OFF",
    ];

    /// <summary>Returns why the setting is invalid, or <see langword="null"/>.</summary>
    public static string? Validate(string category, string? threshold) =>
        Array.IndexOf(Categories, category) < 0 ? $"names an unknown harm category '{category}'; expected one of: {string.Join(", ", Categories)}."
        : threshold is null || Array.IndexOf(Thresholds, threshold) < 0 ? $"has an unknown threshold '{threshold}'; expected one of: {string.Join(", ", Thresholds)}."
        : null;

    /// <summary>The settings to send with every request of a provider; <see langword="null"/> when none are configured.</summary>
    public static List<GeminiSafetySetting>? FromOptions(IDictionary<string, string>? settings)
    {
        if (settings is not { Count: > 0 })
        {
            return null;
        }

        var list = new List<GeminiSafetySetting>(settings.Count);
        foreach (var (category, threshold) in settings)
        {
            list.Add(new GeminiSafetySetting { Category = category, Threshold = threshold });
        }

        return list;
    }

    /// <summary>Reads a request's own settings (<see cref="GeminiChatClient.SafetySettingsKey"/>), which replace the provider's.</summary>
    /// <returns>The settings, or <see langword="null"/> with <paramref name="error"/> saying what is wrong.</returns>
    public static List<GeminiSafetySetting>? FromRequest(object? value, out string? error)
    {
        var key = $"ChatOptions.AdditionalProperties['{GeminiChatClient.SafetySettingsKey}']";
        if (value is not IEnumerable<KeyValuePair<string, string>> settings)
        {
            error = $"{key} must map harm categories to thresholds (an IDictionary<string, string>).";
            return null;
        }

        var list = new List<GeminiSafetySetting>();
        foreach (var (category, threshold) in settings)
        {
            if (Validate(category, threshold) is { } problem)
            {
                error = $"{key} {problem}";
                return null;
            }

            list.Add(new GeminiSafetySetting { Category = category, Threshold = threshold });
        }

        error = null;
        return list;
    }
}
