using System.Collections.Concurrent;
using System.Text;

namespace LlmFallback;

/// <summary>
/// What a PII stage did to one call: counts per type, action and side, rejected types, and the pseudonyms. Created on
/// the first value found, so a call without personal data allocates none of it.
/// </summary>
internal sealed class PiiRequestState
{
    private static readonly ConcurrentDictionary<string, string> Labels = new(StringComparer.Ordinal);

    /// <summary>Initializes a new instance of the <see cref="PiiRequestState"/> class, continuing a conversation's pseudonyms when given.</summary>
    public PiiRequestState(PseudonymMap? map = null)
    {
        Map = map;
    }

    public PseudonymMap? Map { get; private set; }

    public Dictionary<(string Type, PiiAction Action, LlmContentSide Side), int> Counts { get; } = [];

    public List<string>? Rejected { get; private set; }

    /// <summary>Applies the options' actions to the values found in <paramref name="text"/>; the same string when nothing changes.</summary>
    public static string Rewrite(string text, LlmContentSide side, PiiDetector detector, PiiRedactionOptions options, ref PiiRequestState? state) =>
        Rewrite(text, 0, text.Length, side, detector, options, ref state);

    /// <summary>
    /// Applies the actions to the values inside <c>[from, to)</c> of <paramref name="text"/>, detected with the whole
    /// text around them (context words), and returns that part; the same string when it is the whole text and nothing changes.
    /// </summary>
    public static string Rewrite(string text, int from, int to, LlmContentSide side, PiiDetector detector, PiiRedactionOptions options, ref PiiRequestState? state)
    {
        if (to == from)
        {
            return from == 0 && to == text.Length ? text : string.Empty;
        }

        var matches = detector.Detect(text);
        if (matches.Count == 0)
        {
            return Part(text, from, to);
        }

        StringBuilder? result = null;
        var copied = from;
        foreach (var match in matches)
        {
            if (match.Start < from || match.End > to)
            {
                continue;
            }

            var value = text.AsSpan(match.Start, match.Length);
            if (side == LlmContentSide.Output && state?.Map is { } known && known.IsKnownValue(value))
            {
                continue;
            }

            var action = options.ActionFor(match.EntityType);
            if (action == PiiAction.Allow)
            {
                continue;
            }

            state ??= new PiiRequestState();
            var key = (match.EntityType, action, side);
            state.Counts[key] = state.Counts.GetValueOrDefault(key) + 1;
            string replacement;
            switch (action)
            {
                case PiiAction.Reject:
                    state.Rejected ??= [];
                    if (!state.Rejected.Contains(match.EntityType))
                    {
                        state.Rejected.Add(match.EntityType);
                    }

                    continue;
                case PiiAction.Warn:
                    continue;
                case PiiAction.Mask:
                    replacement = Mask(value, options.MaskCharacter, options.MaskKeepLast);
                    break;
                case PiiAction.Pseudonymise:
                    replacement = (state.Map ??= new PseudonymMap()).Placeholder(Label(match.EntityType), value.ToString());
                    break;
                default:
                    replacement = "[" + Label(match.EntityType) + "]";
                    break;
            }

            result ??= new StringBuilder(to - from + 16);
            result.Append(text, copied, match.Start - copied).Append(replacement);
            copied = match.End;
        }

        return result is null ? Part(text, from, to) : result.Append(text, copied, to - copied).ToString();
    }

    private static string Part(string text, int from, int to) => from == 0 && to == text.Length ? text : text[from..to];

    /// <summary>Replaces letters and digits by <paramref name="mask"/>, keeping the last few (at most half of them) and every separator.</summary>
    internal static string Mask(ReadOnlySpan<char> value, char mask, int keepLast)
    {
        var alphanumeric = 0;
        foreach (var c in value)
        {
            if (char.IsLetterOrDigit(c))
            {
                alphanumeric++;
            }
        }

        var visibleFrom = alphanumeric - Math.Min(keepLast, alphanumeric / 2);
        return string.Create(value.Length, (value.ToString(), mask, visibleFrom), static (span, s) =>
        {
            var seen = 0;
            for (var i = 0; i < span.Length; i++)
            {
                var c = s.Item1[i];
                span[i] = char.IsLetterOrDigit(c) && seen++ < s.visibleFrom ? s.mask : c;
            }
        });
    }

    internal static string Label(string entityType) => Labels.GetOrAdd(entityType, PiiEntityTypes.Label);
}
