namespace LlmFallback;

/// <summary>
/// Reduces a model id as providers report it to the names a price catalogue lists: organisation and region
/// prefixes, Vertex (<c>@date</c>) and Bedrock (<c>-v1:0</c>) decorations, context tags (<c>[1m]</c>), and dated or
/// numbered snapshot suffixes (<c>gpt-4o-mini-2024-07-18</c>, <c>claude-sonnet-4-5-20250929</c>,
/// <c>gemini-1.5-pro-002</c>, <c>-latest</c>). Only these decorations are removed: a different model
/// (<c>gpt-4o-audio-preview</c>) never falls back to a shorter name (<c>gpt-4o</c>).
/// </summary>
internal static class LlmModelIds
{
    /// <summary>Yields the id, then each shorter form, most specific first.</summary>
    public static IEnumerable<string> Candidates(string modelId)
    {
        var name = modelId.Trim();
        yield return name;

        var slash = name.LastIndexOf('/');
        if (slash >= 0 && slash < name.Length - 1)
        {
            name = name[(slash + 1)..];
            yield return name;
        }

        var at = name.IndexOf('@', StringComparison.Ordinal);
        if (at > 0)
        {
            name = name[..at];
            yield return name;
        }

        var bracket = name.IndexOf('[', StringComparison.Ordinal);
        if (bracket > 0 && name.EndsWith(']'))
        {
            name = name[..bracket];
            yield return name;
        }

        // Bedrock: "us.anthropic.claude-sonnet-4-5-20250929-v1:0".
        var vendor = name.IndexOf("anthropic.", StringComparison.OrdinalIgnoreCase);
        if (vendor >= 0)
        {
            name = name[(vendor + "anthropic.".Length)..];
            var version = name.LastIndexOf("-v", StringComparison.OrdinalIgnoreCase);
            if (version > 0 && IsBedrockVersion(name.AsSpan(version + 2)))
            {
                name = name[..version];
            }

            yield return name;
        }

        while (StripSuffix(name) is { } shorter)
        {
            name = shorter;
            yield return name;
        }
    }

    /// <summary>Removes one snapshot suffix, or returns <see langword="null"/> when there is none.</summary>
    internal static string? StripSuffix(string name)
    {
        if (name.EndsWith("-latest", StringComparison.OrdinalIgnoreCase))
        {
            return name[..^"-latest".Length];
        }

        var span = name.AsSpan();
        // -YYYY-MM-DD
        if (span.Length > 11 && span[^11] == '-' && Digits(span[^10..^6]) && span[^6] == '-' && Digits(span[^5..^3]) && span[^3] == '-' && Digits(span[^2..]))
        {
            return name[..^11];
        }

        // -YYYYMMDD, -MMDD (OpenAI 0613 snapshots), -NNN (Gemini 001) and -MM-DD (Gemini preview dates).
        var dash = span.LastIndexOf('-');
        if (dash > 0)
        {
            var tail = span[(dash + 1)..];
            if ((tail.Length is 8 or 4 or 3) && Digits(tail))
            {
                return name[..dash];
            }

            if (tail.Length == 2 && Digits(tail) && dash > 3 && span[dash - 3] == '-' && Digits(span[(dash - 2)..dash]) && !IsVersionPair(span[..(dash - 3)]))
            {
                return name[..(dash - 3)];
            }
        }

        return null;
    }

    private static bool IsBedrockVersion(ReadOnlySpan<char> s)
    {
        var colon = s.IndexOf(':');
        return colon > 0 && Digits(s[..colon]) && Digits(s[(colon + 1)..]);
    }

    /// <summary>
    /// "claude-opus-4-5" ends in two numbers that are a version, not a date: a two-digit pair is a date only when the
    /// name before it ends in a word such as "preview".
    /// </summary>
    private static bool IsVersionPair(ReadOnlySpan<char> before) => before.Length == 0 || char.IsDigit(before[^1]);

    private static bool Digits(ReadOnlySpan<char> s)
    {
        if (s.IsEmpty)
        {
            return false;
        }

        foreach (var c in s)
        {
            if (c is < '0' or > '9')
            {
                return false;
            }
        }

        return true;
    }
}
