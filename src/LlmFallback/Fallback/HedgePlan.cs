namespace LlmFallback;

/// <summary>A fallback stage's hedging settings, read once per options reload, and the budget its hedges draw from.</summary>
internal sealed class HedgePlan
{
    private HedgePlan(HedgingOptions options, TimeProvider timeProvider)
    {
        Delay = options.Delay;
        Adaptive = options.DelayMode == LlmTimingMode.Auto;
        Percentile = options.Percentile;
        MinDelay = options.MinDelay;
        MinSamples = options.MinSamples;

        // The retry budget's rule, with no floor: hedges are at most MaxHedgeRatio of the requests in the window.
        Budget = new LlmRetryBudget(new LlmRetryBudgetOptions { RetryRatio = options.MaxHedgeRatio, MinRetriesPerSecond = 0, Window = options.BudgetWindow }, timeProvider);
    }

    public TimeSpan Delay { get; }

    public bool Adaptive { get; }

    public double Percentile { get; }

    public TimeSpan MinDelay { get; }

    public int MinSamples { get; }

    public LlmRetryBudget Budget { get; }

    public static HedgePlan? Create(HedgingOptions options, TimeProvider timeProvider) =>
        options.Enabled ? new HedgePlan(options, timeProvider) : null;

    /// <summary>How long a call to <paramref name="provider"/> may go unanswered before it is hedged.</summary>
    public TimeSpan DelayFor(LlmProvider provider, bool streaming)
    {
        if (Adaptive && (streaming ? provider.FirstToken : provider.Latency)?.Quantile(Percentile, MinSamples) is { } learned)
        {
            return learned < MinDelay ? MinDelay : learned;
        }

        return Delay;
    }
}
