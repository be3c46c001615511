namespace LlmFallback;

/// <summary>Spending budgets per user, tenant, API key and route. Bound from <c>Llm:Budgets</c>.</summary>
public sealed class BudgetOptions
{
    /// <summary>Gets or sets the budgets of each user.</summary>
    public LlmBudgetLimits PerUser { get; set; } = new();

    /// <summary>Gets or sets the budgets of each tenant.</summary>
    public LlmBudgetLimits PerTenant { get; set; } = new();

    /// <summary>Gets or sets the budgets of each API key id.</summary>
    public LlmBudgetLimits PerApiKey { get; set; } = new();

    /// <summary>Gets or sets the budgets of each route (the model id or alias a request asks for).</summary>
    public LlmBudgetLimits PerRoute { get; set; } = new();

    /// <summary>Gets or sets what happens to a request that does not fit in what is left.</summary>
    /// <value>The default is <see cref="LlmBudgetAction.Reject"/>.</value>
    public LlmBudgetAction OnExceeded { get; set; } = LlmBudgetAction.Reject;

    /// <summary>Gets or sets the cheaper route or model requests are sent to with <see cref="LlmBudgetAction.Downgrade"/>.</summary>
    /// <value>The default is <see langword="null"/>; required with <see cref="LlmBudgetAction.Downgrade"/>.</value>
    public string? DowngradeTo { get; set; }

    /// <summary>Gets or sets the output tokens a request is expected to produce when it sets no <c>MaxOutputTokens</c>.</summary>
    /// <value>The default is 1024.</value>
    public int DefaultMaxOutputTokens { get; set; } = 1024;

    /// <summary>
    /// Gets or sets the model whose prices estimate a request that names no priced model or provider. When not set, the
    /// first registered provider's prices are used.
    /// </summary>
    /// <value>The default is <see langword="null"/>.</value>
    public string? EstimateModel { get; set; }

    /// <summary>A deep copy, so a stage never sees later changes to the options it was built with.</summary>
    internal BudgetOptions Clone()
    {
        var copy = (BudgetOptions)MemberwiseClone();
        copy.PerUser = PerUser?.Clone()!;
        copy.PerTenant = PerTenant?.Clone()!;
        copy.PerApiKey = PerApiKey?.Clone()!;
        copy.PerRoute = PerRoute?.Clone()!;
        return copy;
    }
}
