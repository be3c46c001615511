namespace LlmFallback.Gemini;

/// <summary>Finds a provider's API key: configuration first, then the conventional environment variables.</summary>
internal static class GeminiApiKey
{
    /// <summary>The environment variables read, in order.</summary>
    public static readonly string[] EnvironmentVariables = ["GEMINI_API_KEY", "GOOGLE_API_KEY"];

    public static string? Resolve(string? configured, Func<string, string?> environment)
    {
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return configured;
        }

        foreach (var variable in EnvironmentVariables)
        {
            if (environment(variable) is { } value && !string.IsNullOrWhiteSpace(value))
            {
                return value;
            }
        }

        return null;
    }
}
