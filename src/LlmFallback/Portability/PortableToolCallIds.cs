using System.Globalization;

namespace LlmFallback;

/// <summary>
/// Tool-call ids as a target accepts them. An accepted id is kept as it is; any other is replaced by one derived from
/// it alone (<c>lf_</c> + 16 hex digits of its hash), so a call and its result, and every later request that carries
/// the same history, get the same replacement without any state.
/// </summary>
internal static class PortableToolCallIds
{
    /// <summary>The prefix of every id this library makes up for a target.</summary>
    public const string Prefix = "lf_";

    /// <summary>Whether <paramref name="id"/> is one the target takes as it is.</summary>
    public static bool IsAccepted(string? id, LlmPortabilityTarget target)
    {
        if (string.IsNullOrEmpty(id) || id.Length > (target.MaxToolCallIdLength ?? int.MaxValue))
        {
            return false;
        }

        if (target.ToolCallIdsLettersDigitsUnderscoreHyphen)
        {
            foreach (var c in id)
            {
                if (!char.IsAsciiLetterOrDigit(c) && c is not '_' and not '-')
                {
                    return false;
                }
            }
        }

        return true;
    }

    /// <summary>The replacement of an id the target does not take: 19 characters of letters, digits and <c>_</c>.</summary>
    public static string Replace(string id) => Prefix + Hash(id).ToString("x16", CultureInfo.InvariantCulture);

    /// <summary>An id for a call that had none, from its place in the history (the same place gives the same id on every request).</summary>
    public static string Synthesize(int message, int content) =>
        string.Create(CultureInfo.InvariantCulture, $"{Prefix}call_{message}_{content}");

    /// <summary>64-bit FNV-1a over the id's UTF-16 code units: stable across processes, unlike <see cref="string.GetHashCode()"/>.</summary>
    private static ulong Hash(string value)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in value)
        {
            hash = (hash ^ (byte)c) * 1099511628211UL;
            hash = (hash ^ (byte)(c >> 8)) * 1099511628211UL;
        }

        return hash;
    }
}
