namespace LlmFallback;

/// <summary>
/// A rate-limit store that answers from a fallback while its backend is unreachable (<c>RedisRateLimitStore</c>): it
/// says which of the two took a request's permits, so the rate-limiting stage settles the tokens there, and not in a
/// backend that never held them (a refund in Redis of tokens taken in memory during an outage frees others' tokens).
/// </summary>
internal interface IDegradableRateLimitStore
{
    /// <summary>As <see cref="ILlmRateLimitStore.TryAcquireAsync"/>, and whether the fallback took the permits.</summary>
    ValueTask<(LlmRateLimitDecision Decision, bool InFallback)> TryAcquireTrackedAsync(IReadOnlyList<LlmRateLimitRule> rules, CancellationToken cancellationToken);

    /// <summary>Settles permits in the store that took them: the fallback, or the backend only (dropped while it is unreachable).</summary>
    ValueTask SettleAsync(IReadOnlyList<LlmRateLimitRule> rules, bool inFallback, CancellationToken cancellationToken);
}
