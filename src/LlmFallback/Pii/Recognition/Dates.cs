namespace LlmFallback;

/// <summary>Dates: numeric (<c>12/25/1980</c>, <c>1980-12-25</c>, <c>25.12.1980</c>) and written (<c>3 March 1980</c>, <c>March 3, 1980</c>).</summary>
internal static class Dates
{
    private static readonly string[] Months =
    [
        "january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december",
        "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
    ];

    /// <summary>Three numbers making a valid day, month and year in one of the common orders.</summary>
    public static bool IsNumericDate(ReadOnlySpan<char> text, ref NumberGroup g)
    {
        var a = Value(text, g.SegStart[0], g.SegEnd[0]);
        var b = Value(text, g.SegStart[1], g.SegEnd[1]);
        var c = Value(text, g.SegStart[2], g.SegEnd[2]);
        var (la, lb, lc) = (g.Length(0), g.Length(1), g.Length(2));
        if (la == 4 && lb <= 2 && lc <= 2)
        {
            return Valid(c, b, a);
        }

        if (la <= 2 && lb <= 2 && lc is 4 or 2)
        {
            var year = lc == 2 ? 1900 + c : c;
            return Valid(a, b, year) || Valid(b, a, year);
        }

        return false;
    }

    /// <summary>A written date around the number at <c>[start, end)</c>; returns its bounds, or (0, 0).</summary>
    public static (int Start, int End) Textual(ReadOnlySpan<char> text, int start, int end)
    {
        var number = Value(text, start, end);
        var length = end - start;

        // "3 March 1980" (day first), the number being the day.
        if (length <= 2 && Word(text, end, out var monthEnd) && IsMonth(text[(end + 1)..monthEnd]) && Year(text, monthEnd, out var yearEnd) && number is >= 1 and <= 31)
        {
            return (start, yearEnd);
        }

        // "March 3, 1980", the number being the day.
        if (length <= 2 && number is >= 1 and <= 31 && WordBefore(text, start, out var monthStart) && IsMonth(text[monthStart..(start - 1)]))
        {
            var p = end;
            if (p < text.Length && text[p] == ',')
            {
                p++;
            }

            if (Year(text, p, out yearEnd))
            {
                return (monthStart, yearEnd);
            }
        }

        return (0, 0);
    }

    private static bool Valid(int day, int month, int year) =>
        year is >= 1900 and <= 2100 && month is >= 1 and <= 12 && day >= 1 && day <= DateTime.DaysInMonth(year, month);

    private static bool Word(ReadOnlySpan<char> text, int position, out int wordEnd)
    {
        wordEnd = position + 1;
        if (position >= text.Length || text[position] != ' ')
        {
            return false;
        }

        while (wordEnd < text.Length && char.IsAsciiLetter(text[wordEnd]))
        {
            wordEnd++;
        }

        if (wordEnd < text.Length && text[wordEnd] == '.')
        {
            wordEnd++;
        }

        return wordEnd > position + 1;
    }

    private static bool WordBefore(ReadOnlySpan<char> text, int start, out int wordStart)
    {
        wordStart = start - 1;
        if (wordStart < 1 || text[wordStart] != ' ')
        {
            return false;
        }

        while (wordStart > 0 && char.IsAsciiLetter(text[wordStart - 1]))
        {
            wordStart--;
        }

        return wordStart < start - 1;
    }

    private static bool Year(ReadOnlySpan<char> text, int position, out int end)
    {
        end = position + 5;
        return position + 5 <= text.Length && text[position] == ' ' && Value(text, position + 1, position + 5) is >= 1900 and <= 2100
            && (end == text.Length || !char.IsAsciiLetterOrDigit(text[end]));
    }

    private static bool IsMonth(ReadOnlySpan<char> word)
    {
        word = word.TrimEnd('.');
        foreach (var month in Months)
        {
            if (word.Equals(month, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    private static int Value(ReadOnlySpan<char> text, int start, int end)
    {
        var value = 0;
        for (var i = start; i < end; i++)
        {
            if (!char.IsAsciiDigit(text[i]))
            {
                return -1;
            }

            value = (value * 10) + (text[i] - '0');
        }

        return value;
    }
}
