using System.Buffers;

namespace LlmFallback;

/// <summary>
/// Finds whole words and phrases in one pass: a vectorised multi-string search jumps to each phrase's longest word
/// (no allocation); only a whole-word hit compares the words before and after it.
/// </summary>
internal sealed class WordMatcher
{
    private readonly Dictionary<string, List<(string[] Words, int Anchor, int Category)>> _byAnchor = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, List<(string[] Words, int Anchor, int Category)>>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private readonly SearchValues<string>? _anchors;

    public WordMatcher(IEnumerable<(string Phrase, int Category)> phrases)
    {
        foreach (var (phrase, category) in phrases)
        {
            var words = Split(phrase);
            if (words.Length == 0)
            {
                continue;
            }

            // The longest word anchors the phrase: it is the rarest, so the search stops least often.
            var anchor = 0;
            for (var i = 1; i < words.Length; i++)
            {
                if (words[i].Length > words[anchor].Length)
                {
                    anchor = i;
                }
            }

            if (!_byAnchor.TryGetValue(words[anchor], out var list))
            {
                _byAnchor[words[anchor]] = list = [];
            }

            list.Add((words, anchor, category));
        }

        _lookup = _byAnchor.GetAlternateLookup<ReadOnlySpan<char>>();
        _anchors = _byAnchor.Count == 0 ? null : SearchValues.Create([.. _byAnchor.Keys], StringComparison.OrdinalIgnoreCase);
    }

    public bool IsEmpty => _byAnchor.Count == 0;

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

    /// <summary>Sets a bit per category found in <paramref name="text"/>: a vectorised search for the first words, then whole-word checks.</summary>
    public void Match(ReadOnlySpan<char> text, Span<bool> found)
    {
        if (_anchors is null)
        {
            return;
        }

        var position = 0;
        while (position < text.Length)
        {
            var hit = text[position..].IndexOfAny(_anchors);
            if (hit < 0)
            {
                return;
            }

            var start = position + hit;
            position = start + 1;
            if (start > 0 && IsWordChar(text[start - 1]))
            {
                continue;
            }

            var end = start;
            while (end < text.Length && IsWordChar(text[end]))
            {
                end++;
            }

            if (!_lookup.TryGetValue(text[start..end], out var candidates))
            {
                continue;
            }

            foreach (var (words, anchor, category) in candidates)
            {
                if (!found[category] && FollowedBy(text, end, words.AsSpan(anchor + 1)) && PrecededBy(text, start, words.AsSpan(0, anchor)))
                {
                    found[category] = true;
                }
            }

            position = end;
        }
    }

    private static bool PrecededBy(ReadOnlySpan<char> text, int position, ReadOnlySpan<string> words)
    {
        for (var w = words.Length - 1; w >= 0; w--)
        {
            var end = position;
            while (end > 0 && !IsWordChar(text[end - 1]))
            {
                end--;
            }

            var start = end;
            while (start > 0 && IsWordChar(text[start - 1]))
            {
                start--;
            }

            if (start == end || !text[start..end].Equals(words[w], StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }

            position = start;
        }

        return true;
    }

    private static bool FollowedBy(ReadOnlySpan<char> text, int position, ReadOnlySpan<string> words)
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
