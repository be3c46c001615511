namespace LlmFallback;

/// <content>Combining matches: repeats of a found value, and overlaps between recognizers, deny-list and patterns.</content>
public sealed partial class PiiDetector
{
    /// <summary>
    /// Reports every other occurrence of a value found, with its type: a value recognised in one place (an address in
    /// a sentence) is the same personal data where the recognizers could not tell (glued to other text).
    /// </summary>
    private static bool AddRepeats(ReadOnlySpan<char> text, List<PiiMatch> matches)
    {
        // The scanner's matches are ordered and apart, so overlap is a binary search; each distinct value is searched once.
        var added = false;
        var count = matches.Count;
        HashSet<string>? searched = count > 8 ? new(StringComparer.Ordinal) : null;
        for (var i = 0; i < count; i++)
        {
            var match = matches[i];
            var value = text.Slice(match.Start, match.Length);
            if (match.Length < 4 || (searched is null ? SeenBefore(text, matches, i, value) : !searched.Add(value.ToString())))
            {
                continue;
            }

            var position = 0;
            while (position < text.Length)
            {
                var found = text[position..].IndexOf(value, StringComparison.Ordinal);
                if (found < 0)
                {
                    break;
                }

                var start = position + found;
                if (!Overlaps(matches, count, start, start + match.Length))
                {
                    matches.Add(match with { Start = start });
                    added = true;
                }

                position = start + match.Length;
            }
        }

        return added;
    }

    private static bool SeenBefore(ReadOnlySpan<char> text, List<PiiMatch> matches, int index, ReadOnlySpan<char> value)
    {
        for (var j = 0; j < index; j++)
        {
            if (matches[j].Length == value.Length && text.Slice(matches[j].Start, matches[j].Length).SequenceEqual(value))
            {
                return true;
            }
        }

        return false;
    }

    private static bool Overlaps(List<PiiMatch> matches, int count, int start, int end)
    {
        int low = 0, high = count - 1;
        while (low <= high)
        {
            var mid = (low + high) >>> 1;
            var match = matches[mid];
            if (match.End <= start)
            {
                low = mid + 1;
            }
            else if (match.Start >= end)
            {
                high = mid - 1;
            }
            else
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Orders matches and drops those overlapping an earlier or higher-scoring one.</summary>
    private static List<PiiMatch> Resolve(List<PiiMatch> matches)
    {
        matches.Sort(static (a, b) => a.Start != b.Start ? a.Start.CompareTo(b.Start) : b.Length.CompareTo(a.Length));
        var kept = new List<PiiMatch>(matches.Count);
        foreach (var match in matches)
        {
            if (kept.Count > 0 && kept[^1].End > match.Start)
            {
                if (match.Score > kept[^1].Score)
                {
                    kept[^1] = match;
                }

                continue;
            }

            kept.Add(match);
        }

        return kept;
    }
}
