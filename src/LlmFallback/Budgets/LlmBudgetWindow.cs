namespace LlmFallback;

/// <summary>A budget over a custom duration: fixed windows of <see cref="Duration"/>, aligned to the Unix epoch (UTC).</summary>
public sealed class LlmBudgetWindow
{
    /// <summary>Gets or sets the length of each window.</summary>
    /// <value>The default is one hour (between one minute and 366 days).</value>
    public TimeSpan Duration { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Gets or sets the most that may be spent in one window, in US dollars.</summary>
    /// <value>The default is 0, which is invalid: set a positive limit.</value>
    public decimal Limit { get; set; }
}
