using System.Globalization;
using LlmFallback.Samples.Gateway.Wire;

namespace LlmFallback.Samples.Gateway.Endpoints;

/// <summary>Writes <see cref="GatewayError"/>s as OpenAI error JSON, with <c>Retry-After</c> (and <c>retry-after-ms</c>) when there is a wait.</summary>
internal static class ErrorWriter
{
    public static Task WriteAsync(HttpContext context, GatewayError error)
    {
        var response = context.Response;
        response.StatusCode = error.Status;
        if (error.RetryAfter is { } wait)
        {
            response.Headers.RetryAfter = ErrorMapper.Seconds(wait);
            response.Headers["retry-after-ms"] = ((long)Math.Ceiling(Math.Max(0, wait.TotalMilliseconds))).ToString(CultureInfo.InvariantCulture);
        }

        if (error.Status == 401)
        {
            response.Headers.WWWAuthenticate = "Bearer";
        }

        response.Headers.CacheControl = "no-store";
        return response.WriteAsJsonAsync(Body(error), GatewayJsonContext.Default.OpenAIErrorBody, contentType: "application/json", context.RequestAborted);
    }

    public static OpenAIErrorBody Body(GatewayError error) =>
        new() { Error = new OpenAIError { Message = error.Message, Type = error.Type, Param = error.Param, Code = error.Code } };
}
