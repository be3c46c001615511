namespace LlmFallback;

/// <summary>
/// How one provider is called: retries, backoff, how long a <c>Retry-After</c> may be honoured, timeouts, and its
/// circuit breaker. This is the library's only retry layer; adapters switch their SDKs' own retries off.
/// </summary>
public sealed class LlmAttemptPolicyOptions
{
    /// <summary>Gets or sets how many times a transient failure is retried on the same provider before failing over.</summary>
    /// <value>The default is 2. The request's <see cref="FallbackOptions.MaxAttemptsPerRequest"/> caps retries and fail-overs together.</value>
    public int MaxRetries { get; set; } = 2;

    /// <summary>Gets or sets the first backoff step; each retry doubles it, with full jitter, up to <see cref="MaxDelay"/>.</summary>
    /// <value>The default is 1 second.</value>
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Gets or sets the longest backoff between retries when the provider did not say how long to wait.</summary>
    /// <value>The default is 20 seconds.</value>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>
    /// Gets or sets the longest <c>Retry-After</c> this policy waits for. When the provider asks for longer, the request
    /// fails over at once and the provider cools down for the time it asked.
    /// </summary>
    /// <value>The default is 10 seconds.</value>
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Gets or sets how long a non-streaming call may take; <see cref="Timeout.InfiniteTimeSpan"/> turns the timeout off.</summary>
    /// <value>The default is 120 seconds.</value>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(120);

    /// <summary>Gets or sets how long a stream may take to produce its first update, overriding <see cref="StreamingFallbackOptions.FirstTokenTimeout"/>.</summary>
    /// <value>The default is <see langword="null"/> (use the fallback stage's value).</value>
    public TimeSpan? FirstTokenTimeout { get; set; }

    /// <summary>Gets or sets how long a stream may go without an update, overriding <see cref="StreamingFallbackOptions.IdleTimeout"/>.</summary>
    /// <value>The default is <see langword="null"/> (use the fallback stage's value).</value>
    public TimeSpan? IdleTimeout { get; set; }

    /// <summary>
    /// Gets or sets a value indicating whether a timeout is retried on the same provider. A silent upstream usually
    /// stays silent, so by default a timeout fails over at once instead of multiplying the wait.
    /// </summary>
    /// <value>The default is <see langword="false"/>.</value>
    public bool RetryOnTimeout { get; set; }

    /// <summary>Gets or sets the provider's circuit breaker.</summary>
    public LlmCircuitBreakerOptions CircuitBreaker { get; set; } = new();

    internal LlmAttemptPolicyOptions Clone()
    {
        var copy = (LlmAttemptPolicyOptions)MemberwiseClone();
        copy.CircuitBreaker = (CircuitBreaker ?? new()).Clone();
        return copy;
    }
}
