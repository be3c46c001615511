namespace LlmFallback;

/// <summary>
/// Keeps rate-limit buckets (token buckets that refill continuously over their window). The default is
/// <see cref="InMemoryRateLimitStore"/>; <c>LlmFallback.Redis</c> shares the buckets between instances.
/// </summary>
/// <remarks>
/// Implementations must be thread-safe, must take the permits of one request atomically (all rules or none), and
/// must not throw for an unreachable backend: the request path relies on them to degrade, not fail.
/// </remarks>
public interface ILlmRateLimitStore
{
    /// <summary>Takes every rule's permits if every bucket holds them; otherwise takes none.</summary>
    /// <param name="rules">The rules that apply to the request.</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>Whether the permits were taken, and if not which rule refused and for how long.</returns>
    ValueTask<LlmRateLimitDecision> TryAcquireAsync(IReadOnlyList<LlmRateLimitRule> rules, CancellationToken cancellationToken = default);

    /// <summary>Adds each rule's <see cref="LlmRateLimitRule.Permits"/> to its bucket whatever it holds (negative gives permits back).</summary>
    /// <param name="rules">The rules and the permits to add.</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>A task that completes when the permits are added.</returns>
    ValueTask AddAsync(IReadOnlyList<LlmRateLimitRule> rules, CancellationToken cancellationToken = default);
}
