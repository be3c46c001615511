using System.Globalization;
using LlmFallback.Samples.Gateway.Mapping;

namespace LlmFallback.Samples.Gateway.Endpoints;

/// <summary>
/// Maps what the pipeline throws to OpenAI's error statuses and bodies. Messages hold classified facts only (limits,
/// entity types, categories, counts): never provider text, prompts, personal data or keys, so nothing an exception
/// carries inside (a provider's error body, say) can reach the client.
/// </summary>
internal static class ErrorMapper
{
    public static GatewayError Map(Exception exception) => exception switch
    {
        GatewayRequestException e => new(e.StatusCode, e.Type, e.Code, e.Message, e.Param),
        RateLimitedException e => new(429, e.Kind == LlmRateLimitKind.Tokens ? "tokens" : "requests", "rate_limit_exceeded",
            $"Rate limit reached: {e.PermitLimit.ToString(CultureInfo.InvariantCulture)} {(e.Kind == LlmRateLimitKind.Tokens ? "tokens" : "requests")} per minute for this {Scope(e.Scope)}. Try again in {Seconds(e.RetryAfter)} s.",
            RetryAfter: e.RetryAfter),
        BudgetExceededException e => new(429, "insufficient_quota", "budget_exceeded",
            $"The {e.Period} budget for this {Scope(e.Scope)} is spent. It resets in {Seconds(e.RetryAfter)} s.", RetryAfter: e.RetryAfter),
        InputValidationException e => new(400, "invalid_request_error", "invalid_input", e.Message, "messages"),
        LlmContextWindowExceededException e => new(400, "invalid_request_error", "context_length_exceeded",
            $"This request needs about {e.RequiredTokens.ToString(CultureInfo.InvariantCulture)} tokens; the largest context window available to it is {e.LargestContextWindow.ToString(CultureInfo.InvariantCulture)} tokens.", "messages"),
        ModerationException { IsServiceFailure: true } => new(503, "server_error", "moderation_unavailable", "Content moderation could not run; the request was not processed.", RetryAfter: TimeSpan.FromSeconds(1)),
        ModerationException e => new(400, "invalid_request_error", "content_filter",
            $"The {(e.Side == LlmContentSide.Input ? "request" : "response")} was blocked by content moderation ({string.Join(", ", e.Categories)}).", e.Side == LlmContentSide.Input ? "messages" : null),
        PiiDetectedException e => new(400, "invalid_request_error", "pii_detected",
            $"The {(e.Side == LlmContentSide.Input ? "request" : "response")} holds personal data this gateway does not accept ({string.Join(", ", e.EntityTypes)}).", e.Side == LlmContentSide.Input ? "messages" : null),
        LlmProviderException e => Provider(e.Kind, e.RetryAfter),
        LlmFallbackExhaustedException e => Exhausted(e),
        LlmPartialResponseException => new(502, "server_error", "stream_interrupted", "The answer was cut off by the provider and could not be completed by another."),
        ArgumentException e => new(400, "invalid_request_error", "invalid_value", "The request is invalid" + (e.ParamName is null ? "." : $" (parameter '{e.ParamName}')."), e.ParamName),
        _ => new(500, "server_error", "internal_error", "The gateway failed to process the request."),
    };

    /// <summary>A provider's failure that the fallback stage surfaced instead of failing over.</summary>
    private static GatewayError Provider(LlmFailureKind kind, TimeSpan? retryAfter) => kind switch
    {
        LlmFailureKind.ContextLengthExceeded => new(400, "invalid_request_error", "context_length_exceeded", "The request is longer than the model's context window.", "messages"),
        LlmFailureKind.ContentPolicy => new(400, "invalid_request_error", "content_filter", "The request was rejected by the provider's content policy."),
        LlmFailureKind.BadRequest => new(400, "invalid_request_error", "invalid_request", "The provider rejected the request as invalid."),
        LlmFailureKind.RateLimited => new(429, "requests", "rate_limit_exceeded", "The provider is rate-limiting this gateway. Try again later.", RetryAfter: retryAfter ?? TimeSpan.FromSeconds(1)),
        _ => new(502, "server_error", "upstream_error", "The provider failed to answer."),
    };

    /// <summary>
    /// Every provider failed or was unavailable: 429 when the last one that was called rate-limited the gateway, 503
    /// when none could be called (all cooling down or broken), 502 when they answered with errors; always with a
    /// <c>Retry-After</c> when the fallback stage knows when a provider accepts traffic again.
    /// </summary>
    private static GatewayError Exhausted(LlmFallbackExhaustedException e)
    {
        var attempts = e.Attempts.Count.ToString(CultureInfo.InvariantCulture);
        var wait = e.RetryAfter is { } after && after > TimeSpan.Zero ? $" Try again in {Seconds(after)} s." : string.Empty;
        return e.LastFailureKind switch
        {
            LlmFailureKind.RateLimited => new(429, "requests", "rate_limit_exceeded", $"Every provider is rate-limiting this gateway ({attempts} attempts).{wait}", RetryAfter: e.RetryAfter ?? TimeSpan.FromSeconds(1)),
            null or LlmFailureKind.Unavailable => new(503, "server_error", "providers_unavailable", $"No provider is available right now ({attempts} attempts).{wait}", RetryAfter: e.RetryAfter ?? TimeSpan.FromSeconds(1)),
            _ => new(502, "server_error", "providers_failed", $"Every provider failed to answer ({attempts} attempts).{wait}", RetryAfter: e.RetryAfter),
        };
    }

    private static string Scope(LlmRateLimitScope scope) => scope switch
    {
        LlmRateLimitScope.Tenant => "tenant",
        LlmRateLimitScope.ApiKey => "API key",
        LlmRateLimitScope.Provider => "provider",
        _ => "user",
    };

    private static string Scope(LlmBudgetScope scope) => scope switch
    {
        LlmBudgetScope.Tenant => "tenant",
        LlmBudgetScope.ApiKey => "API key",
        LlmBudgetScope.Route => "route",
        _ => "user",
    };

    /// <summary>Whole seconds, rounded up (what <c>Retry-After</c> carries).</summary>
    public static string Seconds(TimeSpan delay) => ((long)Math.Ceiling(Math.Max(0, delay.TotalSeconds))).ToString(CultureInfo.InvariantCulture);
}
