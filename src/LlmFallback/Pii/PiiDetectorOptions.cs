using System.Globalization;

namespace LlmFallback;

/// <summary>What <see cref="PiiDetector"/> looks for. Bound from <c>Llm:Pii:Detection</c>.</summary>
public sealed class PiiDetectorOptions
{
    /// <summary>Gets or sets the lowest confidence a value needs to be reported. Context words raise confidence.</summary>
    /// <value>The default is 0.5: checksum-validated and well-formatted values are reported alone; numbers that
    /// only context can tell apart (passport, bank account, routing, NHS) need their context word.</value>
    public double MinScore { get; set; } = 0.5;

    /// <summary>Gets or sets the built-in types to look for (see <see cref="PiiEntityTypes"/>).</summary>
    /// <value>The default is empty, which means all of them.</value>
    public IList<string> Entities { get; set; } = [];

    /// <summary>Gets or sets values always reported, as <see cref="PiiEntityTypes.DenyListed"/>: names, codenames, internal hosts. Matched as whole words, case-insensitively.</summary>
    /// <value>The default is empty.</value>
    public IList<string> DenyList { get; set; } = [];

    /// <summary>Gets or sets user-defined patterns, each reported as its own entity type.</summary>
    /// <value>The default is empty.</value>
    public IList<PiiPatternOptions> Patterns { get; set; } = [];

    internal static void Validate(PiiDetectorOptions options, string prefix, List<string> errors)
    {
        if (!(options.MinScore >= 0 && options.MinScore <= 1))
        {
            errors.Add($"{prefix}:MinScore must be between 0 and 1 (was {options.MinScore.ToString(CultureInfo.InvariantCulture)}).");
        }

        if (options.Entities is null || options.DenyList is null || options.Patterns is null)
        {
            errors.Add($"{prefix}:Entities, {prefix}:DenyList and {prefix}:Patterns must not be null.");
            return;
        }

        for (var i = 0; i < options.Entities.Count; i++)
        {
            if (!Contains(PiiEntityTypes.All, options.Entities[i]))
            {
                errors.Add($"{prefix}:Entities:{I(i)} has an unknown type '{LogSafe.Code(options.Entities[i] ?? string.Empty)}'; expected one of: {string.Join(", ", PiiEntityTypes.All)}.");
            }
        }

        for (var i = 0; i < options.DenyList.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(options.DenyList[i]))
            {
                errors.Add($"{prefix}:DenyList:{I(i)} must not be empty.");
            }
        }

        for (var i = 0; i < options.Patterns.Count; i++)
        {
            var key = $"{prefix}:Patterns:{I(i)}";
            var pattern = options.Patterns[i];
            if (pattern is null || string.IsNullOrWhiteSpace(pattern.EntityType) || !IsName(pattern.EntityType))
            {
                errors.Add($"{key}:EntityType must be a name of letters and digits.");
                continue;
            }

            if (LocalModerationRules.TryCompile(pattern.Pattern, out var error) is null)
            {
                errors.Add($"{key}:Pattern is not a pattern the linear-time engine accepts: {error}");
            }

            if (!(pattern.Score > 0 && pattern.Score <= 1))
            {
                errors.Add($"{key}:Score must be greater than 0 and at most 1 (was {pattern.Score.ToString(CultureInfo.InvariantCulture)}).");
            }
        }
    }

    private static bool Contains(IReadOnlyList<string> names, string? name)
    {
        foreach (var candidate in names)
        {
            if (string.Equals(candidate, name, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsName(string name)
    {
        foreach (var c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c))
            {
                return false;
            }
        }

        return char.IsAsciiLetter(name[0]);
    }

    private static string I(int value) => value.ToString(CultureInfo.InvariantCulture);
}

/// <summary>A user-defined pattern of <see cref="PiiDetectorOptions.Patterns"/>.</summary>
public sealed class PiiPatternOptions
{
    /// <summary>Gets or sets the type the matches are reported as, such as <c>EmployeeId</c> (letters and digits).</summary>
    /// <value>The default is empty; required.</value>
    public string EntityType { get; set; } = string.Empty;

    /// <summary>Gets or sets a .NET regular expression, run with the linear-time (non-backtracking) engine.</summary>
    /// <value>The default is empty; required.</value>
    public string Pattern { get; set; } = string.Empty;

    /// <summary>Gets or sets the confidence of a match.</summary>
    /// <value>The default is 0.9.</value>
    public double Score { get; set; } = 0.9;
}
