namespace LlmFallback;

/// <summary>
/// Hedged requests, for latency rather than failure: when a call has not answered (a stream: produced its first
/// token) after a delay, the same request is also sent to the next deployment of the plan, the first good answer wins,
/// and the other call is cancelled. Bound from <c>Llm:Fallback:Hedging</c>. Off by default.
/// </summary>
public sealed class HedgingOptions
{
    /// <summary>Gets or sets a value indicating whether requests are hedged.</summary>
    /// <value>The default is <see langword="false"/>.</value>
    public bool Enabled { get; set; }

    /// <summary>
    /// Gets or sets how long a call may go unanswered before the hedge is sent. With <see cref="DelayMode"/>
    /// <see cref="LlmTimingMode.Auto"/> it is the delay used until the deployment has <see cref="MinSamples"/> latencies.
    /// </summary>
    /// <value>The default is 2 seconds.</value>
    public TimeSpan Delay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Gets or sets whether the delay is <see cref="Delay"/> (<see cref="LlmTimingMode.Fixed"/>), or the deployment's recent
    /// <see cref="Percentile"/> latency (<see cref="LlmTimingMode.Auto"/>; time to first token for streams), never less
    /// than <see cref="MinDelay"/>.
    /// </summary>
    /// <value>The default is <see cref="LlmTimingMode.Fixed"/>.</value>
    public LlmTimingMode DelayMode { get; set; } = LlmTimingMode.Fixed;

    /// <summary>Gets or sets the latency percentile an adaptive delay waits for, between 0.5 and 0.999.</summary>
    /// <value>The default is 0.95: about one call in twenty is hedged.</value>
    public double Percentile { get; set; } = 0.95;

    /// <summary>Gets or sets the shortest adaptive delay.</summary>
    /// <value>The default is 50 milliseconds.</value>
    public TimeSpan MinDelay { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>Gets or sets how many latencies a deployment needs before its adaptive delay replaces <see cref="Delay"/>.</summary>
    /// <value>The default is 20.</value>
    public int MinSamples { get; set; } = 20;

    /// <summary>
    /// Gets or sets the most hedges, as a share of the requests this stage served in the last <see cref="BudgetWindow"/>.
    /// A hedge the budget cannot pay for is not sent; the call simply goes on.
    /// </summary>
    /// <value>The default is 0.1 (at most one extra request per ten).</value>
    public double MaxHedgeRatio { get; set; } = 0.1;

    /// <summary>Gets or sets the sliding window over which <see cref="MaxHedgeRatio"/> holds.</summary>
    /// <value>The default is 10 seconds.</value>
    public TimeSpan BudgetWindow { get; set; } = TimeSpan.FromSeconds(10);

    internal HedgingOptions Clone() => (HedgingOptions)MemberwiseClone();
}

/// <summary>Whether a time limit is configured or learned from the deployment's recent latencies.</summary>
public enum LlmTimingMode
{
    /// <summary>The configured value, always.</summary>
    Fixed = 0,

    /// <summary>Learned per deployment from its recent latencies; the configured value until enough are known.</summary>
    Auto = 1,
}
