namespace LlmFallback;

/// <summary>The budgets of one scope (every user, every tenant...), in US dollars, with exceptions for named ids.</summary>
public sealed class LlmBudgetLimits
{
    /// <summary>Gets or sets the most each id may spend in a calendar day (UTC).</summary>
    /// <value>The default is <see langword="null"/> (no daily budget).</value>
    public decimal? Daily { get; set; }

    /// <summary>Gets or sets the most each id may spend in a calendar month (UTC).</summary>
    /// <value>The default is <see langword="null"/> (no monthly budget).</value>
    public decimal? Monthly { get; set; }

    /// <summary>Gets budgets over custom durations.</summary>
    /// <value>The default is empty.</value>
    public IList<LlmBudgetWindow> Windows { get; } = [];

    /// <summary>
    /// Gets budgets that replace these for particular ids (for example a tenant on a larger plan), keyed by id
    /// (<c>Llm:Budgets:PerTenant:Overrides:acme:Daily</c>). An override's own overrides are not used.
    /// </summary>
    /// <value>The default is empty.</value>
    public IDictionary<string, LlmBudgetLimits> Overrides { get; } = new Dictionary<string, LlmBudgetLimits>(StringComparer.Ordinal);

    internal bool IsEmpty => Daily is null && Monthly is null && Windows.Count == 0;

    internal LlmBudgetLimits Clone()
    {
        var copy = new LlmBudgetLimits { Daily = Daily, Monthly = Monthly };
        foreach (var window in Windows)
        {
            copy.Windows.Add(window is null ? null! : new LlmBudgetWindow { Duration = window.Duration, Limit = window.Limit });
        }

        foreach (var (id, limits) in Overrides)
        {
            copy.Overrides[id] = limits?.Clone()!;
        }

        return copy;
    }
}
