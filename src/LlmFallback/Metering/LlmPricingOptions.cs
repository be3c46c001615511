namespace LlmFallback;

/// <summary>
/// The application's prices, bound from <c>Llm:Pricing</c> (one child per model, for example
/// <c>Llm:Pricing:gpt-4o-mini:InputPerMillionTokens</c>): they extend and override the shipped catalogue. A
/// provider's own <c>Llm:Providers:&lt;name&gt;:Pricing</c> wins over both for that provider's calls.
/// </summary>
public sealed class LlmPricingOptions
{
    /// <summary>Gets the prices by model name (matched case-insensitively).</summary>
    /// <value>The default is empty.</value>
    public IDictionary<string, LlmModelPricing> Models { get; } = new Dictionary<string, LlmModelPricing>(StringComparer.OrdinalIgnoreCase);
}
