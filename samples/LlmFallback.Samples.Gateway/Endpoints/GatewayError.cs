namespace LlmFallback.Samples.Gateway.Endpoints;

/// <summary>An error as the gateway answers it: HTTP status, OpenAI's error fields, and how long to wait (<c>Retry-After</c>).</summary>
internal readonly record struct GatewayError(int Status, string Type, string? Code, string Message, string? Param = null, TimeSpan? RetryAfter = null)
{
    public static GatewayError Unauthorized(string message) => new(401, "invalid_request_error", "invalid_api_key", message);

    public static GatewayError NotFound(string message, string code = "not_found") => new(404, "invalid_request_error", code, message);
}
