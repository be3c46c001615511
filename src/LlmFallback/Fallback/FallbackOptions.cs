namespace LlmFallback;

/// <summary>What the fallback stage does when the provider it called fails. Bound from <c>Llm:Fallback</c>.</summary>
public sealed class FallbackOptions
{
    /// <summary>Gets or sets the provider names to try, in order.</summary>
    /// <value>The default is empty; <c>UseFallback("a", "b")</c> sets it in code.</value>
    public IList<string> Chain { get; set; } = [];

    /// <summary>Gets or sets the most provider calls one request may make, across retries, fail-overs and rescues.</summary>
    /// <value>The default is 6.</value>
    public int MaxAttemptsPerRequest { get; set; } = 6;

    /// <summary>
    /// Gets or sets how long, in all, a request may wait when every provider left in its plan is refused only for
    /// availability (cooling down after a <c>Retry-After</c>, breaker open or probing, slow start full). Within this budget
    /// the request waits for the earliest one to come back and then calls it; past it, the request fails with
    /// <see cref="LlmFallbackExhaustedException"/> and its <see cref="LlmFallbackExhaustedException.RetryAt"/> (or, when
    /// every breaker is open, makes one call past them: panic mode). <see cref="TimeSpan.Zero"/> turns waiting off. Waiting
    /// makes no call, so it does not count toward <see cref="MaxAttemptsPerRequest"/>.
    /// </summary>
    /// <value>The default is 10 seconds (the default <see cref="LlmAttemptPolicyOptions.MaxRetryAfter"/>).</value>
    public TimeSpan MaxWaitForAvailability { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Gets or sets what happens when a provider refuses content for policy reasons.</summary>
    /// <value>The default is <see cref="LlmFailureAction.Surface"/>: the caller sees the provider's refusal.</value>
    public LlmFailureAction OnContentPolicy { get; set; } = LlmFailureAction.Surface;

    /// <summary>Gets or sets what happens when a provider rejects the request as malformed.</summary>
    /// <value>The default is <see cref="LlmFailureAction.Surface"/>.</value>
    public LlmFailureAction OnBadRequest { get; set; } = LlmFailureAction.Surface;

    /// <summary>
    /// Gets or sets providers that may be tried after a context-length failure even though their context window is
    /// not known to be larger (for example a provider that truncates or summarises).
    /// </summary>
    /// <value>The default is empty: after a context-length failure only providers with a larger declared window are tried.</value>
    public IList<string> ContextWindowFallbacks { get; set; } = [];

    /// <summary>Gets or sets the streaming behaviour.</summary>
    public StreamingFallbackOptions Streaming { get; set; } = new();

    /// <summary>Gets or sets hedged requests (off by default).</summary>
    public HedgingOptions Hedging { get; set; } = new();
}

/// <summary>What to do with a failure class that can either be shown to the caller or failed over.</summary>
public enum LlmFailureAction
{
    /// <summary>Return the failure to the caller at once.</summary>
    Surface = 0,

    /// <summary>Try the next provider.</summary>
    FailOver = 1,
}

/// <summary>How a stream that fails after output was sent to the caller is handled.</summary>
public enum StreamRescueMode
{
    /// <summary>Throw <see cref="LlmPartialResponseException"/>; the caller knows the answer is incomplete.</summary>
    None = 0,

    /// <summary>
    /// Send the conversation and the partial answer to the next provider that declares
    /// <see cref="LlmProviderCapabilities.PrefillContinuation"/>, and stream only its continuation, so the caller
    /// receives one whole answer. If no provider can continue, throw <see cref="LlmPartialResponseException"/>.
    /// </summary>
    Continue = 1,
}
