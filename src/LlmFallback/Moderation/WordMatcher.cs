namespace LlmFallback;

/// <summary>
/// Finds whole words and phrases in one pass: each word of the text is looked up once (no allocation) among the
/// first words of the phrases; only a hit compares the following words.
/// </summary>
internal sealed class WordMatcher
{
    private readonly Dictionary<string, List<(string[] Following, int Category)>> _byFirstWord = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, List<(string[] Following, int Category)>>.AlternateLookup<ReadOnlySpan<char>> _lookup;

    public WordMatcher(IEnumerable<(string Phrase, int Category)> phrases)
    {
        foreach (var (phrase, category) in phrases)
        {
            var words = Split(phrase);
            if (words.Length == 0)
            {
                continue;
            }

            if (!_byFirstWord.TryGetValue(words[0], out var list))
            {
                _byFirstWord[words[0]] = list = [];
            }

            list.Add((words[1..], category));
        }

        _lookup = _byFirstWord.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public bool IsEmpty => _byFirstWord.Count == 0;

    /// <summary>Splits a phrase into its words (letters, digits, apostrophes).</summary>
    public static string[] Split(string? phrase)
    {
        if (phrase is null)
        {
            return [];
        }

        var words = new List<string>();
        var position = 0;
        while (NextWord(phrase, ref position, out var start, out var length))
        {
            words.Add(phrase.Substring(start, length));
        }

        return [.. words];
    }

    /// <summary>Sets a bit per category found in <paramref name="text"/>.</summary>
    public void Match(ReadOnlySpan<char> text, Span<bool> found)
    {
        var position = 0;
        while (NextWord(text, ref position, out var start, out var length))
        {
            if (!_lookup.TryGetValue(text.Slice(start, length), out var candidates))
            {
                continue;
            }

            foreach (var (following, category) in candidates)
            {
                if (!found[category] && FollowedBy(text, position, following))
                {
                    found[category] = true;
                }
            }
        }
    }

    private static bool FollowedBy(ReadOnlySpan<char> text, int position, string[] words)
    {
        foreach (var word in words)
        {
            if (!NextWord(text, ref position, out var start, out var length) || !text.Slice(start, length).Equals(word, StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }
        }

        return true;
    }

    private static bool NextWord(ReadOnlySpan<char> text, ref int position, out int start, out int length)
    {
        var i = position;
        while (i < text.Length && !IsWordChar(text[i]))
        {
            i++;
        }

        start = i;
        while (i < text.Length && IsWordChar(text[i]))
        {
            i++;
        }

        length = i - start;
        position = i;
        return length > 0;
    }

    private static bool IsWordChar(char c) => char.IsLetterOrDigit(c) || c is '\'' or '’';
}
