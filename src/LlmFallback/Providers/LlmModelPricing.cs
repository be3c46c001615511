namespace LlmFallback;

/// <summary>The price of a provider's model, in US dollars per million tokens; read by cost metering and budgets.</summary>
public sealed class LlmModelPricing
{
    /// <summary>Gets or sets the price of a million input tokens.</summary>
    /// <value>The default is <see langword="null"/> (unknown).</value>
    public decimal? InputPerMillionTokens { get; set; }

    /// <summary>Gets or sets the price of a million output tokens.</summary>
    /// <value>The default is <see langword="null"/> (unknown).</value>
    public decimal? OutputPerMillionTokens { get; set; }

    /// <summary>Gets or sets the price of a million input tokens served from the provider's prompt cache.</summary>
    /// <value>The default is <see langword="null"/> (same as <see cref="InputPerMillionTokens"/>).</value>
    public decimal? CachedInputPerMillionTokens { get; set; }

    internal LlmModelPricing Clone() => (LlmModelPricing)MemberwiseClone();
}
