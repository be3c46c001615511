namespace LlmFallback;

/// <summary>How the cost-metering stage measures calls. Bound from <c>Llm:Metering</c>.</summary>
public sealed class CostMeteringOptions
{
    /// <summary>
    /// Gets or sets a value indicating whether token counts a provider does not report are estimated with the
    /// model's tokenizer (and the call marked <see cref="LlmCallInfo.IsUsageEstimated"/>). Streams keep the answer's
    /// text for this, until the end of the stream.
    /// </summary>
    /// <value>The default is <see langword="true"/>.</value>
    public bool EstimateMissingUsage { get; set; } = true;

    /// <summary>Gets or sets how long the default in-memory cost ledger keeps daily totals.</summary>
    /// <value>The default is 35 days (between 2 and 400 days).</value>
    public TimeSpan LedgerRetention { get; set; } = TimeSpan.FromDays(35);

    internal CostMeteringOptions Clone() => (CostMeteringOptions)MemberwiseClone();
}
