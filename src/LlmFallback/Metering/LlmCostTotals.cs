namespace LlmFallback;

/// <summary>What the calls of one key cost over a period, from an <see cref="ICostLedger"/>.</summary>
public readonly record struct LlmCostTotals
{
    /// <summary>Gets the number of calls recorded (cache hits included).</summary>
    public long Calls { get; init; }

    /// <summary>Gets the input tokens.</summary>
    public long InputTokens { get; init; }

    /// <summary>Gets the output tokens.</summary>
    public long OutputTokens { get; init; }

    /// <summary>Gets the input tokens served from providers' prompt caches.</summary>
    public long CachedInputTokens { get; init; }

    /// <summary>Gets the cost in US dollars of the calls whose model is priced.</summary>
    public decimal Cost { get; init; }

    /// <summary>Gets what response-cache hits saved, in US dollars.</summary>
    public decimal CostSaved { get; init; }

    /// <summary>Gets the number of calls whose model had no known price (not in <see cref="Cost"/>).</summary>
    public long UnpricedCalls { get; init; }

    /// <summary>Gets the number of calls whose token counts were estimated.</summary>
    public long EstimatedCalls { get; init; }
}
