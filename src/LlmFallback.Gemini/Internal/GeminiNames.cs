namespace LlmFallback.Gemini;

/// <summary>Checks the values that become URL path segments, so that no configuration value can change the request's path or query.</summary>
internal static class GeminiNames
{
    /// <summary>Returns why <paramref name="version"/> is not a valid API version, or <see langword="null"/> if it is.</summary>
    public static string? ValidateApiVersion(string? version) =>
        string.IsNullOrEmpty(version) ? "is required, for example v1beta."
        : IsSegment(version) ? null
        : $"must be one path segment of letters, digits, '.', '-' or '_', for example v1beta (was '{version}').";

    /// <summary>Returns why <paramref name="model"/> is not a valid model name, or <see langword="null"/> if it is.</summary>
    public static string? ValidateModel(string? model)
    {
        if (string.IsNullOrWhiteSpace(model))
        {
            return "is required, for example gemini-2.5-flash.";
        }

        // "gemini-2.5-flash", or a resource name such as "models/gemini-2.5-flash" or "tunedModels/my-model".
        var slash = model.IndexOf('/', StringComparison.Ordinal);
        var valid = slash < 0
            ? IsSegment(model)
            : IsSegment(model.AsSpan(0, slash)) && IsSegment(model.AsSpan(slash + 1));
        return valid ? null : $"must be a Gemini model name such as gemini-2.5-flash or models/gemini-2.5-flash (was '{model}').";
    }

    /// <summary>The model name without a <c>models/</c> prefix, for matching known models.</summary>
    public static string BaseModel(string model) =>
        model.StartsWith("models/", StringComparison.Ordinal) ? model["models/".Length..] : model;

    private static bool IsSegment(ReadOnlySpan<char> value)
    {
        if (value.IsEmpty || value is "." or "..")
        {
            return false;
        }

        foreach (var c in value)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_'))
            {
                return false;
            }
        }

        return true;
    }
}
