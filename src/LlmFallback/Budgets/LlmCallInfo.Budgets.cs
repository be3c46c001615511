namespace LlmFallback;

/// <summary>What the budget stage decided about the call.</summary>
public sealed partial class LlmCallInfo
{
    /// <summary>Gets the cheaper route or model the budget stage sent the request to because a budget had no room for it.</summary>
    /// <value><see langword="null"/> when the request was not downgraded.</value>
    public string? BudgetDowngradedTo => _annotations?.BudgetDowngradedTo;
}

/// <summary>The budget stage's annotations.</summary>
internal sealed partial class LlmCallAnnotations
{
    internal string? BudgetDowngradedTo;
}
