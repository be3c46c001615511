namespace LlmFallback;

/// <summary>
/// A budget store that answers from a fallback while its backend is unreachable (<c>RedisBudgetStore</c>): it says
/// which of the two took a reservation, so the budget stage settles the reservation there, and not in a backend that
/// never held it (a release in Redis of what was reserved in memory during an outage would leave Redis short).
/// </summary>
internal interface IDegradableBudgetStore
{
    /// <summary>As <see cref="ILlmBudgetStore.TryReserveAsync"/>, and whether the fallback took the reservation.</summary>
    ValueTask<(LlmBudgetReservation Reservation, bool InFallback)> TryReserveTrackedAsync(IReadOnlyList<LlmBudgetCounter> counters, decimal amount, CancellationToken cancellationToken);

    /// <summary>Settles a reservation in the store that took it: the fallback, or the backend only (dropped while it is unreachable).</summary>
    ValueTask SettleAsync(IReadOnlyList<LlmBudgetCounter> counters, decimal amount, bool inFallback, CancellationToken cancellationToken);
}
