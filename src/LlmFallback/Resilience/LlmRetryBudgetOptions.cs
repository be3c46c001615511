namespace LlmFallback;

/// <summary>
/// The process-wide cap on same-provider retries, so an outage never multiplies traffic. Bound from <c>Llm:RetryBudget</c>.
/// </summary>
/// <remarks>
/// Over the sliding <see cref="Window"/>, retries may be at most <see cref="RetryRatio"/> of requests, or
/// <see cref="MinRetriesPerSecond"/> per second when that allows more, so that a quiet service can still retry: the
/// larger of the two holds, never their sum. With the defaults, retries are at most 20% of traffic whenever more than
/// 500 requests arrive in 10 seconds (50 per second), and at most 100 per 10 seconds below that. Fail-overs to another
/// provider do not draw from the budget (they do not add load to the failing provider); every call counts toward
/// the request's <see cref="FallbackOptions.MaxAttemptsPerRequest"/>.
/// </remarks>
public sealed class LlmRetryBudgetOptions
{
    /// <summary>Gets or sets retries allowed per request, averaged over the window.</summary>
    /// <value>The default is 0.2 (retries may add at most 20% to traffic).</value>
    public double RetryRatio { get; set; } = 0.2;

    /// <summary>Gets or sets retries allowed per second when traffic is too low for <see cref="RetryRatio"/> to allow that many.</summary>
    /// <value>The default is 10.</value>
    public int MinRetriesPerSecond { get; set; } = 10;

    /// <summary>Gets or sets the sliding window over which requests and retries are counted.</summary>
    /// <value>The default is 10 seconds.</value>
    public TimeSpan Window { get; set; } = TimeSpan.FromSeconds(10);
}
