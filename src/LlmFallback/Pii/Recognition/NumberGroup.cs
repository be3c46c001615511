namespace LlmFallback;

/// <summary>
/// A run of digit groups around a number token: <c>4111 1111 1111 1111</c>, <c>+1 (415) 555-2671</c>,
/// <c>123-45-6789</c>, <c>12/25/1980</c>. Segments are digit runs; each boundary records which separators it used.
/// </summary>
internal ref struct NumberGroup
{
    public const int MaxSegments = 8;
    public const int Space = 1;
    public const int Dash = 2;
    public const int Dot = 4;
    public const int Slash = 8;
    public const int Paren = 16;
    public const int Other = 32;

    private const int MaxLength = 48;

    public int Start;
    public bool Plus;
    public int Count;
    public Span<int> SegStart;
    public Span<int> SegEnd;
    public Span<int> Separators;

    /// <summary>Reads the group that starts at the number token <c>[start, end)</c>; false when the token is not a number.</summary>
    public static bool TryRead(ReadOnlySpan<char> text, int start, int end, ref NumberGroup group)
    {
        var p = start;
        group.Start = start;
        if (start > 0 && text[start - 1] == '(')
        {
            group.Start = start - 1;
        }

        if (text[p] == '+')
        {
            group.Plus = true;
            p++;
        }

        // The first token must be digits and separators only: "A123" or "12abc" are not numbers.
        for (var i = p; i < end; i++)
        {
            if (!(char.IsAsciiDigit(text[i]) || text[i] is '-' or '.' or '/'))
            {
                return false;
            }
        }

        while (group.Count < MaxSegments && p < text.Length && char.IsAsciiDigit(text[p]))
        {
            var s = p;
            while (p < text.Length && char.IsAsciiDigit(text[p]))
            {
                p++;
            }

            group.SegStart[group.Count] = s;
            group.SegEnd[group.Count] = p;
            group.Count++;
            if (p < text.Length && char.IsAsciiLetter(text[p]))
            {
                // "… 0958x": a run glued to a word ends the group, but belongs to it, so a number is never cut in half.
                break;
            }
            var separators = 0;
            var q = p;
            while (q < text.Length && q - p < 3 && Separator(text[q]) is var kind and > 0)
            {
                if (kind == Space && (separators & Space) != 0)
                {
                    break;
                }

                separators |= kind;
                q++;
            }

            if (separators == 0 || q >= text.Length || !char.IsAsciiDigit(text[q]) || q - group.Start > MaxLength)
            {
                break;
            }

            if (group.Count < MaxSegments)
            {
                group.Separators[group.Count - 1] = separators;
            }

            p = q;
        }

        return group.Count > 0;
    }

    /// <summary>The separators between segments <c>0..k-1</c> when they are all one kind, else <see cref="Other"/>; 0 for one segment.</summary>
    public readonly int Uniform(int k)
    {
        var kind = 0;
        for (var i = 0; i < k - 1; i++)
        {
            var s = Separators[i];
            if (s is not (Space or Dash or Dot or Slash) || (kind != 0 && s != kind))
            {
                return Other;
            }

            kind = s;
        }

        return kind;
    }

    public readonly int Length(int segment) => SegEnd[segment] - SegStart[segment];

    /// <summary>Copies the digits of the first <paramref name="k"/> segments.</summary>
    public readonly int Digits(ReadOnlySpan<char> text, int k, Span<char> into)
    {
        var n = 0;
        for (var i = 0; i < k; i++)
        {
            foreach (var c in text[SegStart[i]..SegEnd[i]])
            {
                if (n < into.Length)
                {
                    into[n] = c;
                }

                n++;
            }
        }

        return n;
    }

    private static int Separator(char c) => c switch
    {
        ' ' => Space,
        '-' => Dash,
        '.' => Dot,
        '/' => Slash,
        '(' or ')' => Paren,
        _ => 0,
    };
}
