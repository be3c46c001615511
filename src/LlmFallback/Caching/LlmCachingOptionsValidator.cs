using System.Globalization;
using Microsoft.Extensions.Options;

namespace LlmFallback;

/// <summary>Validates <see cref="LlmCachingOptions"/> with messages that name the configuration key.</summary>
internal sealed class LlmCachingOptionsValidator(string prefix) : IValidateOptions<LlmCachingOptions>
{
    public const string DefaultPath = "Llm:Caching";

    private static readonly TimeSpan MaxTimeToLive = TimeSpan.FromDays(365);

    public ValidateOptionsResult Validate(string? name, LlmCachingOptions options)
    {
        var errors = new List<string>();
        Validate(options, prefix, errors);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    public static void Validate(LlmCachingOptions options, string prefix, List<string> errors)
    {
        if (string.IsNullOrWhiteSpace(options.Namespace) || options.Namespace.Length > 100)
        {
            errors.Add($"{prefix}:Namespace must be a non-blank name of at most 100 characters.");
        }

        if (!Enum.IsDefined(options.Scope))
        {
            errors.Add($"{prefix}:Scope has an unknown value '{options.Scope}'; expected one of: {string.Join(", ", Enum.GetNames<LlmCacheScope>())}.");
        }

        if (options.DefaultTimeToLive <= TimeSpan.Zero || options.DefaultTimeToLive > MaxTimeToLive)
        {
            errors.Add($"{prefix}:DefaultTimeToLive must be positive and at most 365 days (was {Format(options.DefaultTimeToLive)}).");
        }

        if (options.RouteTimeToLive is null)
        {
            errors.Add($"{prefix}:RouteTimeToLive must not be null.");
        }
        else
        {
            foreach (var (route, ttl) in options.RouteTimeToLive)
            {
                if (ttl < TimeSpan.Zero || ttl > MaxTimeToLive)
                {
                    errors.Add($"{prefix}:RouteTimeToLive:{route} must be between 00:00:00 (not cached) and 365 days (was {Format(ttl)}).");
                }
            }
        }

        if (options.Semantic is not { } s)
        {
            errors.Add($"{prefix}:Semantic must not be null.");
            return;
        }

        var p = prefix + ":Semantic";
        Between(s.SimilarityThreshold, 0, 1, false, $"{p}:SimilarityThreshold", errors);
        Between(s.MinLexicalOverlap, 0, 1, true, $"{p}:MinLexicalOverlap", errors);
        if (!(s.MaxLengthRatio == 0 || (s.MaxLengthRatio >= 1 && s.MaxLengthRatio <= 100)))
        {
            errors.Add($"{p}:MaxLengthRatio must be 0 (off) or between 1 and 100 (was {Format(s.MaxLengthRatio)}).");
        }

        if ((s.Guards & ~LlmSemanticGuards.All) != 0)
        {
            errors.Add($"{p}:Guards has an unknown value '{s.Guards}'; expected a combination of: {string.Join(", ", Enum.GetNames<LlmSemanticGuards>())}.");
        }

        Range(s.MaxCandidates, 1, 100, $"{p}:MaxCandidates", errors);
        Range(s.MaxPromptLength, 1, 100_000, $"{p}:MaxPromptLength", errors);
        Range(s.MaxEntries, 1, 10_000_000, $"{p}:MaxEntries", errors);
    }

    private static void Between(double value, double min, double max, bool minInclusive, string key, List<string> errors)
    {
        if (!((minInclusive ? value >= min : value > min) && value <= max))
        {
            errors.Add($"{key} must be {(minInclusive ? "between" : "greater than")} {Format(min)} {(minInclusive ? "and" : "and at most")} {Format(max)} (was {Format(value)}).");
        }
    }

    private static void Range(int value, int min, int max, string key, List<string> errors)
    {
        if (value < min || value > max)
        {
            errors.Add($"{key} must be between {min.ToString(CultureInfo.InvariantCulture)} and {max.ToString(CultureInfo.InvariantCulture)} (was {value.ToString(CultureInfo.InvariantCulture)}).");
        }
    }

    private static string Format(TimeSpan value) => value.ToString("c", CultureInfo.InvariantCulture);

    private static string Format(double value) => value.ToString(CultureInfo.InvariantCulture);
}
