using System.Buffers;

namespace LlmFallback;

/// <summary>
/// The single pass over a text: a vectorised search jumps to the next character that can start or sit inside an
/// entity (a digit, <c>@</c>, <c>:</c>, or the dot of <c>www.</c>); the token around it is classified once, and the
/// search resumes after it. Text with nothing in it is never copied; nothing is allocated until a value is found.
/// </summary>
internal static class PiiScanner
{
    /// <summary>Tokens longer than this are classified on their first part only, so a huge blob costs linear time.</summary>
    internal const int MaxToken = 1024;

    private static readonly SearchValues<char> Triggers = SearchValues.Create("0123456789@:.");

    public static void Scan(ref ScanState state)
    {
        var text = state.Text;
        var floor = 0;
        var position = 0;
        while (position < text.Length)
        {
            var found = text[position..].IndexOfAny(Triggers);
            if (found < 0)
            {
                return;
            }

            var i = position + found;
            if (text[i] == '.' && !IsWwwDot(text, i, floor))
            {
                position = i + 1;
                continue;
            }

            var start = i;
            var lowest = Math.Max(floor, i - MaxToken);
            while (start > lowest && IsTokenChar(text[start - 1]))
            {
                start--;
            }

            var rawEnd = i + 1;
            var highest = Math.Min(text.Length, i + MaxToken);
            while (rawEnd < highest && IsTokenChar(text[rawEnd]))
            {
                rawEnd++;
            }

            while (start < rawEnd && text[start] is '.' or ':' or '/' or '-' or '=' or '?' or '&' or '#')
            {
                start++;
            }

            var end = rawEnd;
            while (end > start && text[end - 1] is '.' or ':' or '/' or '-' or '?' or '!' or '=' or '&' or '#' or '%')
            {
                end--;
            }

            var next = end > start ? TokenRecognizers.Recognize(ref state, start, end) : rawEnd;
            floor = Math.Max(next, rawEnd);
            position = floor;
        }
    }

    /// <summary>Characters a token (an address, a number, a key) is made of; anything else ends it.</summary>
    internal static bool IsTokenChar(char c) =>
        char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' or '+' or '@' or ':' or '/' or '%' or '=' or '~' or '#' or '?' or '&';

    private static bool IsWwwDot(ReadOnlySpan<char> text, int dot, int floor) =>
        dot >= floor + 3 && text.Slice(dot - 3, 3).Equals("www", StringComparison.OrdinalIgnoreCase)
        && (dot == 3 || !IsTokenChar(text[dot - 4]));
}
