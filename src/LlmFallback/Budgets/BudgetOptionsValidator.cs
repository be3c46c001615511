using System.Globalization;
using Microsoft.Extensions.Options;

namespace LlmFallback;

/// <summary>Validates <see cref="BudgetOptions"/> with messages that name the configuration key.</summary>
internal sealed class BudgetOptionsValidator(string prefix) : IValidateOptions<BudgetOptions>
{
    public ValidateOptionsResult Validate(string? name, BudgetOptions options)
    {
        var errors = new List<string>();
        Validate(options, prefix, errors);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    internal static void Validate(BudgetOptions options, string prefix, List<string> errors)
    {
        Limits(options.PerUser, $"{prefix}:PerUser", errors, allowOverrides: true);
        Limits(options.PerTenant, $"{prefix}:PerTenant", errors, allowOverrides: true);
        Limits(options.PerApiKey, $"{prefix}:PerApiKey", errors, allowOverrides: true);
        Limits(options.PerRoute, $"{prefix}:PerRoute", errors, allowOverrides: true);
        if (!Enum.IsDefined(options.OnExceeded))
        {
            errors.Add($"{prefix}:OnExceeded has an unknown value '{options.OnExceeded}'; expected one of: {string.Join(", ", Enum.GetNames<LlmBudgetAction>())}.");
        }

        if (options.OnExceeded == LlmBudgetAction.Downgrade && string.IsNullOrWhiteSpace(options.DowngradeTo))
        {
            errors.Add($"{prefix}:DowngradeTo must name a cheaper route or model when {prefix}:OnExceeded is Downgrade.");
        }

        if (options.DefaultMaxOutputTokens is < 1 or > 1_000_000)
        {
            errors.Add($"{prefix}:DefaultMaxOutputTokens must be between 1 and 1000000 (was {options.DefaultMaxOutputTokens.ToString(CultureInfo.InvariantCulture)}).");
        }
    }

    private static void Limits(LlmBudgetLimits? limits, string key, List<string> errors, bool allowOverrides)
    {
        if (limits is null)
        {
            errors.Add($"{key} must not be null.");
            return;
        }

        Positive(limits.Daily, $"{key}:Daily", errors);
        Positive(limits.Monthly, $"{key}:Monthly", errors);
        for (var i = 0; i < limits.Windows.Count; i++)
        {
            var w = $"{key}:Windows:{i.ToString(CultureInfo.InvariantCulture)}";
            var window = limits.Windows[i];
            if (window is null)
            {
                errors.Add($"{w} must not be null.");
                continue;
            }

            if (window.Duration < TimeSpan.FromMinutes(1) || window.Duration > TimeSpan.FromDays(366))
            {
                errors.Add($"{w}:Duration must be between 00:01:00 and 366.00:00:00 (was {window.Duration.ToString("c", CultureInfo.InvariantCulture)}).");
            }

            Positive(window.Limit, $"{w}:Limit", errors);
        }

        if (!allowOverrides && limits.Overrides.Count > 0)
        {
            errors.Add($"{key}:Overrides is not used inside an override; move it up one level.");
        }

        foreach (var (id, limit) in limits.Overrides)
        {
            if (string.IsNullOrWhiteSpace(id))
            {
                errors.Add($"{key}:Overrides must not have a blank id.");
                continue;
            }

            if (allowOverrides)
            {
                Limits(limit, $"{key}:Overrides:{id}", errors, allowOverrides: false);
            }
        }
    }

    private static void Positive(decimal? value, string key, List<string> errors)
    {
        if (value is <= 0)
        {
            errors.Add($"{key} must be positive (was {value.Value.ToString(CultureInfo.InvariantCulture)}).");
        }
    }
}
