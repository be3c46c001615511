namespace LlmFallback;

/// <summary>When a provider's circuit breaker opens, and for how long.</summary>
/// <remarks>
/// The breaker opens when, within <see cref="SamplingDuration"/>, at least <see cref="MinimumThroughput"/> calls
/// were made and at least <see cref="FailureRatio"/> of them failed, or when <see cref="ConsecutiveFailures"/>
/// calls failed in a row. After <see cref="BreakDuration"/> one probe call is let through: success closes the
/// breaker, failure opens it again. Only provider-health failures count (rate limits without <c>Retry-After</c>,
/// server errors, timeouts, transport errors); bad requests, policy refusals and cancellations do not.
/// </remarks>
public sealed class LlmCircuitBreakerOptions
{
    /// <summary>Gets or sets a value indicating whether the breaker is used.</summary>
    /// <value>The default is <see langword="true"/>.</value>
    public bool Enabled { get; set; } = true;

    /// <summary>Gets or sets the failure ratio, between 0 (exclusive) and 1, at which the breaker opens.</summary>
    /// <value>The default is 0.5.</value>
    public double FailureRatio { get; set; } = 0.5;

    /// <summary>Gets or sets how many calls the sampling window must hold before the ratio is considered.</summary>
    /// <value>The default is 10.</value>
    public int MinimumThroughput { get; set; } = 10;

    /// <summary>Gets or sets the sliding window over which the failure ratio is measured.</summary>
    /// <value>The default is 30 seconds.</value>
    public TimeSpan SamplingDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets how many failures in a row open the breaker regardless of the ratio; 0 turns this rule off.</summary>
    /// <value>The default is 5.</value>
    public int ConsecutiveFailures { get; set; } = 5;

    /// <summary>Gets or sets how long the breaker stays open before a probe call is let through.</summary>
    /// <value>The default is 15 seconds.</value>
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(15);

    internal LlmCircuitBreakerOptions Clone() => (LlmCircuitBreakerOptions)MemberwiseClone();
}
