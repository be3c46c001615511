namespace LlmFallback;

/// <summary>When a provider's circuit breaker opens, and for how long.</summary>
/// <remarks>
/// <para>
/// The ratio rule: within <see cref="SamplingDuration"/>, at least <see cref="MinimumThroughput"/> calls were started
/// and the share that failed is, with 99.9% confidence (the lower bound of the Wilson score interval), at least
/// <see cref="FailureRatio"/>. Calls still in flight count as started and not failed, so in a burst the fast failures
/// are weighed against the slow successes still streaming. Calls are counted by when they started, and a failure is judged
/// among the calls started in the <see cref="SamplingDuration"/> before its own call started, so a stream that stalls
/// until its idle timeout is judged with the calls that started with it. A provider that fails 30% of calls is never opened by
/// chance; one that fails every call opens once <see cref="MinimumThroughput"/> calls have started and nearly all failed.
/// </para>
/// <para>
/// The streak rule: <see cref="ConsecutiveFailures"/> failures in a row, each of a call started after the previous
/// failure was seen (sequential evidence; calls started together count once). It catches a dead provider at traffic
/// too low for the ratio rule.
/// </para>
/// <para>
/// After <see cref="BreakDuration"/> one probe call is let through: success closes the breaker (and traffic returns
/// gradually), failure opens it again. Only provider-health failures count (rate limits without <c>Retry-After</c>,
/// server errors, timeouts, transport errors); bad requests, policy refusals and cancellations do not.
/// </para>
/// </remarks>
public sealed class LlmCircuitBreakerOptions
{
    /// <summary>Gets or sets a value indicating whether the breaker is used.</summary>
    /// <value>The default is <see langword="true"/>.</value>
    public bool Enabled { get; set; } = true;

    /// <summary>Gets or sets the failure ratio, between 0 (exclusive) and 1, that the breaker must be 99.9% confident is reached before it opens.</summary>
    /// <value>The default is 0.5.</value>
    public double FailureRatio { get; set; } = 0.5;

    /// <summary>Gets or sets how many calls must have started within the sampling window before the ratio is considered.</summary>
    /// <value>The default is 20 (a provider failing every call opens after 17 to 20 failures).</value>
    public int MinimumThroughput { get; set; } = 20;

    /// <summary>Gets or sets the sliding window over which the failure ratio is measured.</summary>
    /// <value>The default is 30 seconds.</value>
    public TimeSpan SamplingDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets how many sequential failures in a row open the breaker regardless of the ratio; 0 turns this rule off.</summary>
    /// <value>The default is 15 (a provider that fails 30% of calls shows 15 in a row about once in 70 million calls).</value>
    public int ConsecutiveFailures { get; set; } = 15;

    /// <summary>Gets or sets how long the breaker stays open before a probe call is let through.</summary>
    /// <value>The default is 15 seconds.</value>
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(15);

    internal LlmCircuitBreakerOptions Clone() => (LlmCircuitBreakerOptions)MemberwiseClone();
}
