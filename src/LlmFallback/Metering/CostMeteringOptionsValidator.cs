using System.Globalization;
using Microsoft.Extensions.Options;

namespace LlmFallback;

/// <summary>Validates <see cref="CostMeteringOptions"/> with messages that name the configuration key.</summary>
internal sealed class CostMeteringOptionsValidator(string prefix) : IValidateOptions<CostMeteringOptions>
{
    public ValidateOptionsResult Validate(string? name, CostMeteringOptions options)
    {
        var errors = new List<string>();
        Validate(options, prefix, errors);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    internal static void Validate(CostMeteringOptions options, string prefix, List<string> errors)
    {
        if (options.LedgerRetention < TimeSpan.FromDays(2) || options.LedgerRetention > TimeSpan.FromDays(400))
        {
            errors.Add($"{prefix}:LedgerRetention must be between 2.00:00:00 and 400.00:00:00 (was {options.LedgerRetention.ToString("c", CultureInfo.InvariantCulture)}).");
        }
    }
}

/// <summary>Validates the <c>Llm:Pricing</c> overrides with messages that name the configuration key.</summary>
internal sealed class LlmPricingOptionsValidator(string prefix) : IValidateOptions<LlmPricingOptions>
{
    public ValidateOptionsResult Validate(string? name, LlmPricingOptions options)
    {
        var errors = new List<string>();
        foreach (var (model, pricing) in options.Models)
        {
            if (pricing is null)
            {
                continue;
            }

            PricingValidation.Validate(pricing, $"{prefix}:{model}", errors);
            if (!LlmPriceCatalog.Default.TryGetPricing(model, out _) && (pricing.InputPerMillionTokens is null || pricing.OutputPerMillionTokens is null))
            {
                errors.Add($"{prefix}:{model} is not in the price catalogue, so it needs both InputPerMillionTokens and OutputPerMillionTokens.");
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
