using System.Buffers;
using System.Text.RegularExpressions;

namespace LlmFallback;

/// <summary>
/// Finds personal data and secrets in text: the built-in recognizers of <see cref="PiiEntityTypes"/> (validated by
/// checksums where one exists, confidence raised by context words), plus a deny-list and user-defined patterns.
/// Thread-safe; build one and share it.
/// </summary>
/// <remarks>
/// The built-in recognizers run in one pass: a vectorised search jumps between the few characters that can belong to
/// an entity, so prose is skimmed at memory speed, and nothing is allocated unless something is found. A deny-list adds
/// one vectorised multi-string search; each user pattern adds one linear-time regular-expression pass.
/// Recognition is ASCII-based: addresses with non-ASCII characters and non-ASCII digits are not recognised.
/// </remarks>
public sealed partial class PiiDetector
{
    private readonly int _enabled;
    private readonly double _minScore;
    private readonly SearchValues<string>? _denyList;
    private readonly (Regex Regex, string EntityType, double Score)[] _patterns;

    /// <summary>Initializes a new instance of the <see cref="PiiDetector"/> class.</summary>
    /// <param name="options">What to look for; <see langword="null"/> for every built-in type at the default threshold.</param>
    /// <exception cref="ArgumentException"><paramref name="options"/> holds an invalid value (the message names it).</exception>
    public PiiDetector(PiiDetectorOptions? options = null)
    {
        options ??= new PiiDetectorOptions();
        StageOptions.ThrowIfInvalid(options, "Pii:Detection", PiiDetectorOptions.Validate, nameof(options));
        _minScore = options.MinScore;
        _enabled = options.Entities.Count == 0 ? (1 << PiiEntityTypes.All.Count) - 1 : Mask(options.Entities);
        _denyList = options.DenyList.Count == 0 ? null : SearchValues.Create([.. options.DenyList], StringComparison.OrdinalIgnoreCase);
        var patterns = new List<(Regex, string, double)>(options.Patterns.Count);
        foreach (var pattern in options.Patterns)
        {
            patterns.Add((LocalModerationRules.TryCompile(pattern.Pattern, out _)!, pattern.EntityType, pattern.Score));
        }

        _patterns = [.. patterns];
    }

    /// <summary>Gets a detector for every built-in type at the default threshold.</summary>
    public static PiiDetector Default { get; } = new();

    /// <summary>Finds the values in <paramref name="text"/>.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The values found, ordered by position and not overlapping; an empty shared array (no allocation) when none.</returns>
    public IReadOnlyList<PiiMatch> Detect(ReadOnlySpan<char> text)
    {
        if (text.IsEmpty)
        {
            return [];
        }

        var state = new ScanState(text, _enabled, _minScore);
        PiiScanner.Scan(ref state);
        var matches = state.Matches;
        var added = matches is not null && AddRepeats(text, matches);
        if (_denyList is not null)
        {
            FindDenyListed(text, ref matches);
        }

        foreach (var (regex, entityType, score) in _patterns)
        {
            if (score < _minScore)
            {
                continue;
            }

            foreach (var match in regex.EnumerateMatches(text))
            {
                if (match.Length > 0)
                {
                    (matches ??= []).Add(new PiiMatch(entityType, match.Index, match.Length, score));
                }
            }
        }

        if (matches is null)
        {
            return [];
        }

        return matches.Count == 1 || (!added && _denyList is null && _patterns.Length == 0) ? matches : Resolve(matches);
    }

    /// <summary>Gets a value indicating whether <paramref name="text"/> holds any value this detector reports.</summary>
    /// <param name="text">The text.</param>
    /// <returns><see langword="true"/> if <see cref="Detect"/> would find something.</returns>
    public bool ContainsPii(ReadOnlySpan<char> text) => Detect(text).Count > 0;

    private void FindDenyListed(ReadOnlySpan<char> text, ref List<PiiMatch>? matches)
    {
        var position = 0;
        while (position < text.Length)
        {
            var found = text[position..].IndexOfAny(_denyList!);
            if (found < 0)
            {
                return;
            }

            var start = position + found;
            var length = LongestAt(text, start);
            var end = start + length;
            if ((start == 0 || !char.IsLetterOrDigit(text[start - 1])) && (end == text.Length || !char.IsLetterOrDigit(text[end])))
            {
                (matches ??= []).Add(new PiiMatch(PiiEntityTypes.DenyListed, start, length, 1.0));
                position = end;
            }
            else
            {
                position = start + 1;
            }
        }
    }

    private int LongestAt(ReadOnlySpan<char> text, int start)
    {
        // SearchValues finds where some value starts; the longest value starting there is the one reported.
        var rest = text[start..];
        var longest = 1;
        for (var length = Math.Min(rest.Length, 256); length > 0; length--)
        {
            if (_denyList!.Contains(rest[..length].ToString()))
            {
                return length;
            }
        }

        return longest;
    }

    private static int Mask(IList<string> entities)
    {
        var mask = 0;
        for (var i = 0; i < PiiEntityTypes.All.Count; i++)
        {
            foreach (var entity in entities)
            {
                if (string.Equals(entity, PiiEntityTypes.All[i], StringComparison.OrdinalIgnoreCase))
                {
                    mask |= 1 << i;
                }
            }
        }

        return mask;
    }
}
