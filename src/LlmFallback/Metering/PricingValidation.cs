using System.Globalization;

namespace LlmFallback;

/// <summary>Checks prices with messages that name the configuration key.</summary>
internal static class PricingValidation
{
    public static void Validate(LlmModelPricing pricing, string key, List<string> errors)
    {
        NotNegative(pricing.InputPerMillionTokens, $"{key}:InputPerMillionTokens", errors);
        NotNegative(pricing.OutputPerMillionTokens, $"{key}:OutputPerMillionTokens", errors);
        NotNegative(pricing.CachedInputPerMillionTokens, $"{key}:CachedInputPerMillionTokens", errors);
    }

    private static void NotNegative(decimal? value, string key, List<string> errors)
    {
        if (value is < 0)
        {
            errors.Add($"{key} must not be negative (was {value.Value.ToString(CultureInfo.InvariantCulture)}).");
        }
    }
}
