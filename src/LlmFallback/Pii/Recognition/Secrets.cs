namespace LlmFallback;

/// <summary>API keys and secrets: well-known prefixes, JWTs, and high-entropy tokens near words such as "key" or "secret".</summary>
internal static class Secrets
{
    // Prefix, the least number of characters after it, and whether those may hold '-' and '_'.
    private static readonly (string Prefix, int MinRest)[] Prefixes =
    [
        ("sk-", 20), ("ghp_", 30), ("gho_", 30), ("ghu_", 30), ("ghs_", 30), ("ghr_", 30), ("github_pat_", 22),
        ("AKIA", 16), ("ASIA", 16), ("xoxb-", 10), ("xoxp-", 10), ("xoxa-", 10), ("xoxs-", 10), ("xapp-", 10),
        ("AIza", 35), ("sk_live_", 16), ("rk_live_", 16), ("sk_test_", 16), ("rk_test_", 16), ("glpat-", 20),
        ("hf_", 30), ("npm_", 36), ("SG.", 40), ("pypi-", 40), ("dop_v1_", 40), ("shpat_", 32),
    ];

    /// <summary>Reports a token that starts with a known key prefix, or is a JWT.</summary>
    public static bool Recognize(ref ScanState state, int start, int end)
    {
        var token = state.Text[start..end];

        // "KEY=sk-…", "token:ghp_…": the value after the assignment.
        var assignment = token.IndexOfAny('=', ':');
        if (assignment > 0 && assignment < token.Length - 16 && token[..assignment].IndexOfAny('/', '@') < 0)
        {
            start += assignment + 1;
            token = token[(assignment + 1)..];
        }

        foreach (var (prefix, minRest) in Prefixes)
        {
            if (token.StartsWith(prefix, StringComparison.Ordinal) && token.Length - prefix.Length >= minRest && IsKeyBody(token[prefix.Length..]))
            {
                return state.Report(PiiKind.Secret, start, end, 0.95);
            }
        }

        return IsJwt(token) && state.Report(PiiKind.Secret, start, end, 0.9);
    }

    /// <summary>Reports a long token that looks random (mixed letters and digits, high entropy) next to a secret word.</summary>
    public static bool HighEntropy(ref ScanState state, int start, int end)
    {
        var text = state.Text;
        var token = text[start..end];
        if (token.Length > 512)
        {
            return false;
        }

        // Look inside "key=…" or "token:…": the value after the last '=' or ':'.
        var separator = token.LastIndexOfAny('=', ':');
        if (separator >= 0 && separator < token.Length - 20)
        {
            start += separator + 1;
            token = token[(separator + 1)..];
        }

        if (token.Length < 20 || !IsKeyBody(token) || Entropy(token) < 3.5)
        {
            return false;
        }

        bool digit = false, letter = false;
        foreach (var c in token)
        {
            digit |= char.IsAsciiDigit(c);
            letter |= char.IsAsciiLetter(c);
        }

        return digit && letter && state.Report(PiiKind.Secret, start, end, Context.Near(text, start, end, Context.Secret) ? 0.8 : 0.3);
    }

    /// <summary>Three base64url parts, the first two JSON objects (<c>eyJ</c> is <c>{"</c>).</summary>
    private static bool IsJwt(ReadOnlySpan<char> token)
    {
        if (!token.StartsWith("eyJ", StringComparison.Ordinal))
        {
            return false;
        }

        var first = token.IndexOf('.');
        if (first < 10)
        {
            return false;
        }

        var rest = token[(first + 1)..];
        var second = rest.IndexOf('.');
        return second >= 10 && rest.StartsWith("eyJ", StringComparison.Ordinal) && IsBase64Url(token[..first]) && IsBase64Url(rest[..second]) && IsBase64Url(rest[(second + 1)..]);
    }

    private static bool IsBase64Url(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsKeyBody(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '+' or '/'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Shannon entropy in bits per character.</summary>
    internal static double Entropy(ReadOnlySpan<char> text)
    {
        Span<int> counts = stackalloc int[128];
        counts.Clear();
        foreach (var c in text)
        {
            counts[c & 127]++;
        }

        var entropy = 0.0;
        foreach (var count in counts)
        {
            if (count > 0)
            {
                var p = (double)count / text.Length;
                entropy -= p * Math.Log2(p);
            }
        }

        return entropy;
    }
}
