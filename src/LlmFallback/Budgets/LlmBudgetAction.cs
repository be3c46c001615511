namespace LlmFallback;

/// <summary>What the budget stage does with a request that does not fit in what is left of a budget.</summary>
public enum LlmBudgetAction
{
    /// <summary>Refuse it with a <see cref="BudgetExceededException"/>.</summary>
    Reject = 0,

    /// <summary>
    /// Send it to the cheaper route or model named by <see cref="BudgetOptions.DowngradeTo"/> (by setting
    /// <c>ChatOptions.ModelId</c>) when its estimate fits there; refuse it otherwise.
    /// </summary>
    Downgrade = 1,
}
