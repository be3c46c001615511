using Microsoft.Extensions.Options;

namespace LlmFallback;

/// <summary>A provider whose limits are bound (its name is the options' name).</summary>
internal sealed record LlmProviderLimitsRegistration(string Name, string ConfigurationPath);

/// <summary>Validates each provider's <see cref="LlmProviderLimits"/> with messages that name the configuration key.</summary>
internal sealed class LlmProviderLimitsValidator(IEnumerable<LlmProviderLimitsRegistration> registrations) : IValidateOptions<LlmProviderLimits>
{
    private readonly Dictionary<string, string> _paths = Paths(registrations);

    public ValidateOptionsResult Validate(string? name, LlmProviderLimits options)
    {
        if (name is null || !_paths.TryGetValue(name, out var path))
        {
            return ValidateOptionsResult.Skip;
        }

        var errors = new List<string>();
        Validate(options, path, errors);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    internal static void Validate(LlmProviderLimits limits, string prefix, List<string> errors)
    {
        RateLimitingOptionsValidator.PerMinute(limits.RequestsPerMinute, $"{prefix}:RequestsPerMinute", errors);
        RateLimitingOptionsValidator.PerMinute(limits.TokensPerMinute, $"{prefix}:TokensPerMinute", errors);
    }

    private static Dictionary<string, string> Paths(IEnumerable<LlmProviderLimitsRegistration> registrations)
    {
        var paths = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var r in registrations)
        {
            paths.TryAdd(r.Name, r.ConfigurationPath);
        }

        return paths;
    }
}
