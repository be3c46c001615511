namespace LlmFallback;

/// <summary>The answer of <see cref="ILlmBudgetStore.TryReserveAsync"/>.</summary>
/// <param name="IsGranted">Whether the amount was reserved in every counter.</param>
/// <param name="ExceededIndex">The index of the first counter without room, or -1 when granted.</param>
/// <param name="Spent">What that counter had spent (and reserved), in US dollars; 0 when granted.</param>
public readonly record struct LlmBudgetReservation(bool IsGranted, int ExceededIndex, decimal Spent)
{
    /// <summary>Gets a granted reservation.</summary>
    public static LlmBudgetReservation Granted { get; } = new(true, -1, 0m);
}
