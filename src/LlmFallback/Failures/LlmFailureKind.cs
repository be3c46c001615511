namespace LlmFallback;

/// <summary>
/// The closed set of reasons an LLM call can fail. Every retry, fail-over, breaker and surfacing decision
/// reads this classification, never the raw exception.
/// </summary>
public enum LlmFailureKind
{
    /// <summary>The provider asked the caller to slow down (HTTP 429, quota windows, <c>RESOURCE_EXHAUSTED</c>).</summary>
    RateLimited = 1,

    /// <summary>The provider is overloaded or failed internally (HTTP 5xx, Anthropic 529, a malformed response).</summary>
    ServerError = 2,

    /// <summary>No response, no first token, or no further token arrived in time (also HTTP 408 and 504).</summary>
    Timeout = 3,

    /// <summary>The connection could not be made or broke: reset, refused, DNS, TLS, or a stream that ended early.</summary>
    Transport = 4,

    /// <summary>The request does not fit the model's context window.</summary>
    ContextLengthExceeded = 5,

    /// <summary>The provider refused the input or the output for policy or safety reasons.</summary>
    ContentPolicy = 6,

    /// <summary>The credentials were rejected, or the account cannot be used (no quota, no permission).</summary>
    Authentication = 7,

    /// <summary>The model or deployment does not exist at this provider.</summary>
    ModelNotFound = 8,

    /// <summary>The provider rejected the request as malformed; sending it again, anywhere, is unlikely to help.</summary>
    BadRequest = 9,

    /// <summary>
    /// The call was cancelled. When the provider cancelled it on its side (the caller's token was not cancelled, for
    /// example a client that throws <see cref="LlmProviderException"/> with this kind), it is no verdict on the
    /// provider's health: the provider is not retried and the request fails over to the next one. When the caller
    /// cancelled, nothing is classified: the request stops at once and fails over nowhere; the attempt it cut short is
    /// recorded with this kind and <see cref="LlmAttemptDecision.Surfaced"/>, and the caller gets its
    /// <see cref="OperationCanceledException"/>.
    /// </summary>
    Cancelled = 10,

    /// <summary>
    /// The provider was not called because its circuit breaker was open or it was cooling down after a
    /// <c>Retry-After</c>. Recorded by the fallback stage for skipped providers; never produced by a classifier.
    /// </summary>
    Unavailable = 11,
}
