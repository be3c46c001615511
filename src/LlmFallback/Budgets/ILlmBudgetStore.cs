namespace LlmFallback;

/// <summary>
/// Keeps budget counters. The budget stage reserves a request's estimated cost in every counter that applies before
/// the call, then adds the difference between the actual cost and the reservation after it. The default is
/// <see cref="InMemoryBudgetStore"/>; <c>LlmFallback.Redis</c> shares counters between instances.
/// </summary>
/// <remarks>
/// Implementations must be thread-safe, must update the counters of one call atomically (all or none), and should
/// forget a counter after its <see cref="LlmBudgetCounter.ResetsAt"/>. They must not throw for an unreachable backend:
/// the request path relies on them to degrade, not fail.
/// </remarks>
public interface ILlmBudgetStore
{
    /// <summary>
    /// Reserves <paramref name="amount"/> in every counter if each has room for it (what it holds plus the amount is at
    /// most its limit, and it is not already at its limit); otherwise reserves nothing.
    /// </summary>
    /// <param name="counters">The counters that apply to the request.</param>
    /// <param name="amount">The estimated cost in US dollars (0 or more).</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>Whether it was reserved, and if not which counter had no room.</returns>
    ValueTask<LlmBudgetReservation> TryReserveAsync(IReadOnlyList<LlmBudgetCounter> counters, decimal amount, CancellationToken cancellationToken = default);

    /// <summary>Adds <paramref name="amount"/> (negative to release a reservation) to every counter, whatever its limit.</summary>
    /// <param name="counters">The counters.</param>
    /// <param name="amount">The amount in US dollars.</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>A task that completes when the amount is added.</returns>
    ValueTask AddAsync(IReadOnlyList<LlmBudgetCounter> counters, decimal amount, CancellationToken cancellationToken = default);

    /// <summary>Gets what a counter holds: spent plus reserved, in US dollars.</summary>
    /// <param name="counter">The counter.</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>The amount; 0 for a counter never used or already reset.</returns>
    ValueTask<decimal> GetSpentAsync(LlmBudgetCounter counter, CancellationToken cancellationToken = default);
}
