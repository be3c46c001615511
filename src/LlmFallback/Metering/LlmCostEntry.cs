namespace LlmFallback;

/// <summary>One metered call (or cache hit), as recorded in an <see cref="ICostLedger"/>. Holds no message content.</summary>
public readonly record struct LlmCostEntry
{
    /// <summary>Gets when the call completed.</summary>
    public DateTimeOffset Timestamp { get; init; }

    /// <summary>Gets the provider that answered, if known.</summary>
    public string? Provider { get; init; }

    /// <summary>Gets the model that answered, if known.</summary>
    public string? Model { get; init; }

    /// <summary>Gets the route the caller asked for (the request's model id or alias), if any.</summary>
    public string? Route { get; init; }

    /// <summary>Gets the user the request was made for, if set.</summary>
    public string? User { get; init; }

    /// <summary>Gets the tenant the request was made for, if set.</summary>
    public string? Tenant { get; init; }

    /// <summary>Gets the caller's API key id, if set.</summary>
    public string? ApiKeyId { get; init; }

    /// <summary>Gets the input tokens, cached tokens included.</summary>
    public long InputTokens { get; init; }

    /// <summary>Gets the output tokens.</summary>
    public long OutputTokens { get; init; }

    /// <summary>Gets the input tokens served from the provider's prompt cache.</summary>
    public long CachedInputTokens { get; init; }

    /// <summary>Gets the cost in US dollars, or <see langword="null"/> when the model has no known price.</summary>
    public decimal? Cost { get; init; }

    /// <summary>Gets what a response-cache hit saved in US dollars, or <see langword="null"/> for a provider call.</summary>
    public decimal? CostSaved { get; init; }

    /// <summary>Gets a value indicating whether the token counts were estimated.</summary>
    public bool IsEstimated { get; init; }
}
