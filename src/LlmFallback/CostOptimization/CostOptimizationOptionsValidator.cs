using System.Globalization;
using Microsoft.Extensions.Options;

namespace LlmFallback;

/// <summary>Validates <see cref="CostOptimizationOptions"/> with messages that name the configuration key.</summary>
internal sealed class CostOptimizationOptionsValidator(string prefix) : IValidateOptions<CostOptimizationOptions>
{
    public ValidateOptionsResult Validate(string? name, CostOptimizationOptions options)
    {
        var errors = new List<string>();
        Validate(options, prefix, errors);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    internal static void Validate(CostOptimizationOptions options, string prefix, List<string> errors)
    {
        Positive(options.DefaultMaxOutputTokens, $"{prefix}:DefaultMaxOutputTokens", errors);
        foreach (var (route, tokens) in options.MaxOutputTokens)
        {
            Positive(tokens, $"{prefix}:MaxOutputTokens:{route}", errors);
        }

        Positive(options.MaxHistoryMessages, $"{prefix}:MaxHistoryMessages", errors);
        Positive(options.MaxHistoryTokens, $"{prefix}:MaxHistoryTokens", errors);
    }

    private static void Positive(int? value, string key, List<string> errors)
    {
        if (value is <= 0)
        {
            errors.Add($"{key} must be positive (was {value.Value.ToString(CultureInfo.InvariantCulture)}).");
        }
    }
}
