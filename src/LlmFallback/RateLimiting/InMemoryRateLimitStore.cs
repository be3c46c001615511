namespace LlmFallback;

/// <summary>
/// The default <see cref="ILlmRateLimitStore"/>: a lock-free token bucket per rule in process memory, timed by the
/// injected <see cref="TimeProvider"/>. Buckets are per instance: use <c>LlmFallback.Redis</c> to share them.
/// </summary>
public sealed class InMemoryRateLimitStore : ILlmRateLimitStore, IDisposable
{
    private readonly RulePartitionedRateLimiter _limiter;

    /// <summary>Initializes a new instance of the <see cref="InMemoryRateLimitStore"/> class.</summary>
    /// <param name="timeProvider">The clock; <see langword="null"/> for <see cref="TimeProvider.System"/>.</param>
    public InMemoryRateLimitStore(TimeProvider? timeProvider = null)
    {
        _limiter = new RulePartitionedRateLimiter(timeProvider ?? TimeProvider.System);
    }

    /// <summary>Gets the buckets kept right now (a bucket full for a whole window is dropped).</summary>
    public int BucketCount => _limiter.PartitionCount;

    /// <inheritdoc />
    public ValueTask<LlmRateLimitDecision> TryAcquireAsync(IReadOnlyList<LlmRateLimitRule> rules, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rules);
        return new(TryAcquire(rules));
    }

    /// <inheritdoc />
    public ValueTask AddAsync(IReadOnlyList<LlmRateLimitRule> rules, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rules);
        Add(rules);
        return default;
    }

    /// <summary>Drops every bucket.</summary>
    public void Dispose() => _limiter.Dispose();

    internal LlmRateLimitDecision TryAcquire(IReadOnlyList<LlmRateLimitRule> rules)
    {
        for (var i = 0; i < rules.Count; i++)
        {
            if (!_limiter.TryAcquire(rules[i], rules[i].Permits, out var retryAfter))
            {
                for (var j = 0; j < i; j++)
                {
                    _limiter.Add(rules[j], -rules[j].Permits);
                }

                return new LlmRateLimitDecision(false, i, retryAfter);
            }
        }

        return LlmRateLimitDecision.Acquired;
    }

    internal void Add(IReadOnlyList<LlmRateLimitRule> rules)
    {
        for (var i = 0; i < rules.Count; i++)
        {
            _limiter.Add(rules[i], rules[i].Permits);
        }
    }
}
