namespace LlmFallback;

/// <summary>The rate limits of one scope (every user, every tenant...), with exceptions for named ids.</summary>
public sealed class LlmRateLimit
{
    /// <summary>Gets or sets the requests each id may make per minute.</summary>
    /// <value>The default is <see langword="null"/> (no request limit).</value>
    public int? RequestsPerMinute { get; set; }

    /// <summary>Gets or sets the tokens (prompt and output) each id may use per minute.</summary>
    /// <value>The default is <see langword="null"/> (no token limit).</value>
    public int? TokensPerMinute { get; set; }

    /// <summary>
    /// Gets limits that replace these for particular ids, keyed by id (<c>Llm:RateLimiting:PerTenant:Overrides:acme:RequestsPerMinute</c>).
    /// An override's own overrides are not used.
    /// </summary>
    /// <value>The default is empty.</value>
    public IDictionary<string, LlmRateLimit> Overrides { get; } = new Dictionary<string, LlmRateLimit>(StringComparer.Ordinal);

    internal bool IsEmpty => RequestsPerMinute is null && TokensPerMinute is null;

    internal LlmRateLimit Clone()
    {
        var copy = new LlmRateLimit { RequestsPerMinute = RequestsPerMinute, TokensPerMinute = TokensPerMinute };
        foreach (var (id, limit) in Overrides)
        {
            copy.Overrides[id] = limit?.Clone()!;
        }

        return copy;
    }
}
