using System.Globalization;
using System.Text;

namespace LlmFallback;

/// <summary>
/// One conversation's pseudonyms: the same value always gets the same placeholder (<c>&lt;EMAIL_1&gt;</c>), numbered per
/// type in order of first appearance, so a conversation replayed in order keeps its numbers from turn to turn. Kept
/// across calls for a server-side conversation, so concurrent calls may share it: every member takes its lock (only
/// calls that found personal data get here).
/// </summary>
internal sealed class PseudonymMap
{
    /// <summary>
    /// How long a trailing <c>&lt;…</c> may grow while it can still become a placeholder of a built-in type; a custom
    /// type with a longer label raises it for its conversation (<see cref="LongestPlaceholder"/>).
    /// </summary>
    public const int MaxPlaceholderLength = 48;

    private readonly Dictionary<string, string> _byValue = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _byPlaceholder = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _counters = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> _lookup;

    public PseudonymMap()
    {
        _lookup = _byPlaceholder.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    private readonly Lock _lock = new();
    private int _longest = MaxPlaceholderLength;

    /// <summary>Gets the length of the longest placeholder this map can restore (at least <see cref="MaxPlaceholderLength"/>).</summary>
    public int LongestPlaceholder => Volatile.Read(ref _longest);

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _byPlaceholder.Count;
            }
        }
    }

    /// <summary>Gets the placeholder of a value, numbering it if new.</summary>
    public string Placeholder(string label, string value)
    {
        lock (_lock)
        {
            return PlaceholderLocked(label, value);
        }
    }

    /// <summary>Whether a value is one the request held (so an answer repeating it is not new personal data).</summary>
    public bool IsKnownValue(ReadOnlySpan<char> value)
    {
        lock (_lock)
        {
            return _byValue.GetAlternateLookup<ReadOnlySpan<char>>().ContainsKey(value);
        }
    }

    /// <summary>Replaces every complete placeholder in <paramref name="text"/> by its value; the same string when there is none.</summary>
    public string Restore(string text)
    {
        if (text.IndexOf('<', StringComparison.Ordinal) < 0)
        {
            return text;
        }

        lock (_lock)
        {
            return RestoreLocked(text);
        }
    }

    private string PlaceholderLocked(string label, string value)
    {
        if (_byValue.TryGetValue(value, out var placeholder))
        {
            return placeholder;
        }

        _counters.TryGetValue(label, out var n);
        _counters[label] = ++n;
        placeholder = "<" + label + "_" + n.ToString(CultureInfo.InvariantCulture) + ">";
        _byValue[value] = placeholder;
        _byPlaceholder[placeholder] = value;
        if (placeholder.Length > _longest)
        {
            Volatile.Write(ref _longest, placeholder.Length);
        }

        return placeholder;
    }

    private string RestoreLocked(string text)
    {
        var open = text.IndexOf('<', StringComparison.Ordinal);
        if (open < 0 || _byPlaceholder.Count == 0)
        {
            return text;
        }

        StringBuilder? result = null;
        var copied = 0;
        while (open >= 0)
        {
            var close = text.IndexOf('>', open);
            if (close < 0)
            {
                break;
            }

            if (close - open < _longest && _lookup.TryGetValue(text.AsSpan(open, close - open + 1), out var value))
            {
                result ??= new StringBuilder(text.Length + 32);
                result.Append(text, copied, open - copied).Append(value);
                copied = close + 1;
                open = text.IndexOf('<', close + 1);
            }
            else
            {
                open = text.IndexOf('<', open + 1);
            }
        }

        return result is null ? text : result.Append(text, copied, text.Length - copied).ToString();
    }

    /// <summary>
    /// Where a placeholder may have begun but not ended: the index of a trailing <c>&lt;</c> followed only by placeholder
    /// characters and shorter than <paramref name="longest"/> (a map's <see cref="LongestPlaceholder"/>); -1 if none.
    /// </summary>
    public static int PartialPlaceholderStart(string text, int longest = MaxPlaceholderLength)
    {
        var open = text.LastIndexOf('<');
        if (open < 0 || text.Length - open >= longest)
        {
            return -1;
        }

        for (var i = open + 1; i < text.Length; i++)
        {
            if (!(char.IsAsciiLetterUpper(text[i]) || char.IsAsciiDigit(text[i]) || text[i] == '_'))
            {
                return -1;
            }
        }

        return open;
    }
}
