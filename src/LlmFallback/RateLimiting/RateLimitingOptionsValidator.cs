using System.Globalization;
using Microsoft.Extensions.Options;

namespace LlmFallback;

/// <summary>Validates <see cref="RateLimitingOptions"/> with messages that name the configuration key.</summary>
internal sealed class RateLimitingOptionsValidator(string prefix) : IValidateOptions<RateLimitingOptions>
{
    public ValidateOptionsResult Validate(string? name, RateLimitingOptions options)
    {
        var errors = new List<string>();
        Validate(options, prefix, errors);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    internal static void Validate(RateLimitingOptions options, string prefix, List<string> errors)
    {
        Limit(options.PerUser, $"{prefix}:PerUser", errors, allowOverrides: true);
        Limit(options.PerTenant, $"{prefix}:PerTenant", errors, allowOverrides: true);
        Limit(options.PerApiKey, $"{prefix}:PerApiKey", errors, allowOverrides: true);
    }

    internal static void PerMinute(int? value, string key, List<string> errors)
    {
        if (value is <= 0)
        {
            errors.Add($"{key} must be positive (was {value.Value.ToString(CultureInfo.InvariantCulture)}).");
        }
    }

    private static void Limit(LlmRateLimit? limit, string key, List<string> errors, bool allowOverrides)
    {
        if (limit is null)
        {
            errors.Add($"{key} must not be null.");
            return;
        }

        PerMinute(limit.RequestsPerMinute, $"{key}:RequestsPerMinute", errors);
        PerMinute(limit.TokensPerMinute, $"{key}:TokensPerMinute", errors);
        if (!allowOverrides && limit.Overrides.Count > 0)
        {
            errors.Add($"{key}:Overrides is not used inside an override; move it up one level.");
        }

        foreach (var (id, own) in limit.Overrides)
        {
            if (string.IsNullOrWhiteSpace(id))
            {
                errors.Add($"{key}:Overrides must not have a blank id.");
            }
            else if (allowOverrides)
            {
                Limit(own, $"{key}:Overrides:{id}", errors, allowOverrides: false);
            }
        }
    }
}
