namespace LlmFallback;

/// <summary>What the call cost: tokens and US dollars, set by the cost-metering stage.</summary>
public sealed partial class LlmCallInfo
{
    /// <summary>Gets the input (prompt) tokens of the answering attempt, cached tokens included.</summary>
    /// <value><see langword="null"/> when the call was not metered.</value>
    public long? InputTokenCount => _annotations?.InputTokens;

    /// <summary>Gets the output tokens of the answering attempt, reasoning tokens included.</summary>
    /// <value><see langword="null"/> when the call was not metered.</value>
    public long? OutputTokenCount => _annotations?.OutputTokens;

    /// <summary>Gets the input tokens the provider served from its prompt cache (a part of <see cref="InputTokenCount"/>).</summary>
    /// <value><see langword="null"/> when the call was not metered or the provider did not say.</value>
    public long? CachedInputTokenCount => _annotations?.CachedInputTokens;

    /// <summary>Gets what the call cost in US dollars, at the answering model's prices.</summary>
    /// <value><see langword="null"/> when the call was not metered or the model has no known price.</value>
    public decimal? Cost => _annotations?.Cost;

    /// <summary>
    /// Gets a value indicating whether the token counts were estimated with the model's tokenizer because the provider
    /// did not report usage (or reported only a part of it).
    /// </summary>
    public bool IsUsageEstimated => _annotations?.UsageEstimated ?? false;

    /// <summary>Gets what the call would have cost had it not been served from the response cache, in US dollars.</summary>
    /// <value><see langword="null"/> unless the response came from the cache and its model is priced.</value>
    public decimal? CostSaved => _annotations?.CostSaved;
}

/// <summary>The cost-metering stage's annotations.</summary>
internal sealed partial class LlmCallAnnotations
{
    internal long? InputTokens;
    internal long? OutputTokens;
    internal long? CachedInputTokens;
    internal decimal? Cost;
    internal bool UsageEstimated;
    internal decimal? CostSaved;
}
