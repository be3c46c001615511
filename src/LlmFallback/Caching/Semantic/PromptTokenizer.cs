using System.Globalization;

namespace LlmFallback;

/// <summary>Splits a prompt into <see cref="PromptToken"/>s: words, numbers with their symbols, and their roles.</summary>
internal static class PromptTokenizer
{
    private static readonly string[] ReversingPrefixes = ["anti", "dis", "non", "down", "un", "de", "ex", "im", "in", "il", "ir", "en", "up", "out", "over", "under", "mis"];
    private static readonly string[] ReversingSuffixes = ["in", "out", "on", "off", "up", "down"];

    public static List<PromptToken> Tokenize(string text)
    {
        var tokens = new List<PromptToken>();
        byte role = 0;
        var sentenceStart = true;
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (!IsWordChar(c))
            {
                if (c is '.' or '?' or '!' or ':' or ';' or '\n')
                {
                    sentenceStart = true;
                    role = 0;
                }
                else if (c is ',' or '(' or ')')
                {
                    role = 0;
                }

                i++;
                continue;
            }

            var start = i;
            while (i < text.Length && (IsWordChar(text[i]) || (IsInner(text[i]) && i + 1 < text.Length && IsWordChar(text[i + 1]))))
            {
                i++;
            }

            var raw = text.AsSpan(start, i - start).TrimEnd("%");
            var percent = i - start > raw.Length || (i < text.Length && text[i] == '%');
            Add(tokens, raw.ToString(), percent, sentenceStart, ref role);
            sentenceStart = false;
        }

        return tokens;
    }

    private static void Add(List<PromptToken> tokens, string raw, bool percent, bool sentenceStart, ref byte role)
    {
        var lower = raw.ToLowerInvariant().Replace("'", string.Empty, StringComparison.Ordinal).Replace("\u2019", string.Empty, StringComparison.Ordinal);
        if (HasDigit(raw))
        {
            var number = lower.Replace(",", string.Empty, StringComparison.Ordinal) + (percent ? "%" : string.Empty);
            tokens.Add(new(Hash(number), 0, TokenKind.Number | (HasLetter(raw) ? TokenKind.Entity : 0), role));
            return;
        }

        if (WordLists.NumberWords.TryGetValue(lower, out var value))
        {
            tokens.Add(new(Hash(value), 0, TokenKind.Number, role));
            return;
        }

        if (WordLists.Roles.TryGetValue(lower, out var newRole))
        {
            role = newRole;
            return;
        }

        if (WordLists.Negation.Contains(lower) || lower.EndsWith("nt", StringComparison.Ordinal) && raw.Contains('\'', StringComparison.Ordinal))
        {
            tokens.Add(new(Hash(lower), 0, TokenKind.Negation, role));
            return;
        }

        if (WordLists.Comparative.Contains(lower))
        {
            tokens.Add(new(Hash(lower), 0, TokenKind.Comparative, role));
            return;
        }

        var entity = WordLists.Dates.Contains(lower) || IsNamed(raw, sentenceStart);
        if (WordLists.Stop.Contains(lower) && !entity)
        {
            return;
        }

        var stem = Stem(lower);
        var root = WordLists.Opposites.TryGetValue(lower, out var group) || WordLists.Opposites.TryGetValue(stem, out group) ? Hash(group) : Hash(Unprefixed(stem));
        tokens.Add(new(Hash(stem), root == Hash(stem) ? 0 : root, TokenKind.Content | (entity ? TokenKind.Entity : 0), role));
    }

    /// <summary>A capitalised word that does not start a sentence, an acronym, or a word with inner capitals (iPhone).</summary>
    private static bool IsNamed(string raw, bool sentenceStart)
    {
        if (raw.Length < 2 || raw == "I")
        {
            return raw.Length == 1 && char.IsUpper(raw[0]) && raw != "I";
        }

        var upper = 0;
        foreach (var c in raw)
        {
            upper += char.IsUpper(c) ? 1 : 0;
        }

        return upper == raw.Length || upper > 1 || (upper == 1 && !char.IsUpper(raw[0])) || (char.IsUpper(raw[0]) && !sentenceStart);
    }

    public static string Stem(string word)
    {
        if (word.Length > 4 && word.EndsWith("ies", StringComparison.Ordinal))
        {
            return word[..^3] + "y";
        }

        if (word.Length > 5 && word.EndsWith("ing", StringComparison.Ordinal))
        {
            return word[..^3];
        }

        if (word.Length > 4 && word.EndsWith("ed", StringComparison.Ordinal))
        {
            return word[..^2];
        }

        if (word.Length > 4 && (word.EndsWith("ches", StringComparison.Ordinal) || word.EndsWith("shes", StringComparison.Ordinal) || word.EndsWith("xes", StringComparison.Ordinal) || word.EndsWith("sses", StringComparison.Ordinal)))
        {
            return word[..^2];
        }

        return word.Length > 3 && word[^1] == 's' && word[^2] != 's' && word[^2] != 'u' ? word[..^1] : word;
    }

    private static string Unprefixed(string stem)
    {
        foreach (var prefix in ReversingPrefixes)
        {
            if (stem.Length - prefix.Length >= 4 && stem.StartsWith(prefix, StringComparison.Ordinal))
            {
                return stem[prefix.Length..];
            }
        }

        foreach (var suffix in ReversingSuffixes)
        {
            if (stem.Length - suffix.Length >= 3 && stem.EndsWith(suffix, StringComparison.Ordinal))
            {
                return stem[..^suffix.Length];
            }
        }

        return stem;
    }

    /// <summary>FNV-1a over UTF-16 code units: stable across processes, unlike <see cref="string.GetHashCode()"/>.</summary>
    public static uint Hash(string value)
    {
        var hash = 2166136261u;
        foreach (var c in value)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return hash == 0 ? 1 : hash;
    }

    private static bool IsWordChar(char c) => char.IsLetterOrDigit(c) || c is '$' or '€' or '£' or '¥' or '%' or '#' or '@' or '+';

    private static bool IsInner(char c) => c is '\'' or '\u2019' or '.' or ',' or '-' or '/' or ':' or '_';

    private static bool HasDigit(string s) => s.AsSpan().IndexOfAnyInRange('0', '9') >= 0;

    private static bool HasLetter(string s)
    {
        foreach (var c in s)
        {
            if (char.IsLetter(c))
            {
                return true;
            }
        }

        return false;
    }

    internal static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);
}
