namespace LlmFallback;

/// <summary>
/// Where providers' cool-downs and breaker openings are shared between the instances of an application (the Redis
/// package implements it). A provider tells the store when a cool-down or an opening starts; the store tells the
/// providers of every other instance through <see cref="LlmProvider.ApplySharedCooldown"/> and
/// <see cref="LlmProvider.ApplySharedOpening"/>. Reads never reach the store: each instance keeps its own state, which
/// is the mirror the store updates. Without a store (the default), state is per instance and nothing else happens.
/// </summary>
/// <remarks>
/// The notifications run on the request path: an implementation must return at once (queue the write, never wait for
/// it) and must never throw.
/// </remarks>
internal interface ISharedHealthStore
{
    /// <summary>Gets a value indicating whether the store is unreachable and every instance is on its own state.</summary>
    bool IsDegraded { get; }

    /// <summary>Gives the store the providers whose state it mirrors (once per registry).</summary>
    void Attach(IReadOnlyList<LlmProvider> providers);

    /// <summary>The upstream of <paramref name="provider"/> is cooling down until <paramref name="until"/> (a <c>Retry-After</c>).</summary>
    void CooldownStarted(LlmProvider provider, DateTimeOffset until);

    /// <summary>The breaker of <paramref name="provider"/> opened (or reopened) until <paramref name="until"/>.</summary>
    void BreakerOpened(LlmProvider provider, DateTimeOffset until, LlmFailureKind? cause);
}
