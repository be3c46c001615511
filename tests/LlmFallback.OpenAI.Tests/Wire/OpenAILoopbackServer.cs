using LlmFallback.Conformance;
using Microsoft.AspNetCore.Http;

namespace LlmFallback.OpenAI.Tests.Wire;

/// <summary>
/// A loopback server speaking OpenAI Chat Completions: JSON responses, SSE chunks ending in <c>data: [DONE]</c>, and
/// OpenAI's real error statuses and bodies. Variants override <see cref="WriteErrorAsync"/> with their own bodies.
/// </summary>
public class OpenAILoopbackServer : LoopbackProviderServer
{
    protected override Task WriteTextResponseAsync(HttpContext ctx, RecordedRequest req, string text, int inTok, int outTok) =>
        WriteJsonAsync(ctx, 200, OpenAIWire.Completion(OpenAIWire.Model(req.Json), text, null, null, null, inTok, outTok));

    protected override Task WriteToolCallResponseAsync(HttpContext ctx, RecordedRequest req, string callId, string name, string argsJson, int inTok, int outTok) =>
        WriteJsonAsync(ctx, 200, OpenAIWire.Completion(OpenAIWire.Model(req.Json), null, callId, name, argsJson, inTok, outTok));

    /// <summary>Refuses what Chat Completions refuses in a history (see <see cref="OpenAIRequestRules"/>).</summary>
    protected override (int Status, string Body, string Message)? Validate(RecordedRequest request) =>
        request.Path.EndsWith("/chat/completions", StringComparison.Ordinal) ? OpenAIRequestRules.Check(request.Json) : null;

    protected override Task WriteToolCallsResponseAsync(HttpContext ctx, RecordedRequest req, IReadOnlyList<WireToolCall> calls, int inTok, int outTok) =>
        WriteJsonAsync(ctx, 200, OpenAIWire.Completion(OpenAIWire.Model(req.Json), null, calls, inTok, outTok));

    protected override async Task BeginStreamAsync(HttpContext ctx, RecordedRequest req)
    {
        await StartSseAsync(ctx);
        await WriteSseAsync(ctx, null, OpenAIWire.RoleChunk(OpenAIWire.Model(req.Json)));
    }

    protected override Task WriteTextDeltaAsync(HttpContext ctx, RecordedRequest req, string text, int index) =>
        WriteSseAsync(ctx, null, OpenAIWire.TextChunk(OpenAIWire.Model(req.Json), text));

    protected override async Task WriteToolCallDeltasAsync(HttpContext ctx, RecordedRequest req, string callId, string name, string argsJson)
    {
        foreach (var chunk in OpenAIWire.ToolCallChunks(OpenAIWire.Model(req.Json), callId, name, argsJson))
        {
            await WriteSseAsync(ctx, null, chunk);
        }
    }

    protected override async Task WriteFinishAsync(HttpContext ctx, RecordedRequest req, bool toolCalls, int inTok, int outTok)
    {
        var model = OpenAIWire.Model(req.Json);
        await WriteSseAsync(ctx, null, OpenAIWire.FinishChunk(model, toolCalls));
        if (OpenAIWire.IncludeUsage(req.Json))
        {
            await WriteSseAsync(ctx, null, OpenAIWire.UsageChunk(model, inTok, outTok));
        }
    }

    protected override Task WriteTerminalAsync(HttpContext ctx, RecordedRequest req) => WriteSseAsync(ctx, null, "[DONE]");

    protected override Task WriteMalformedAsync(HttpContext ctx, RecordedRequest req) =>
        WriteSseAsync(ctx, null, """{"id":"chatcmpl-test1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":""");

    /// <summary>An error inside an open stream: OpenAI sends an <c>error</c> object as a data event.</summary>
    protected override Task WriteStreamErrorAsync(HttpContext ctx, RecordedRequest req, WireError error) =>
        WriteSseAsync(ctx, null, ErrorBody(error, retryAfterSeconds: null).Body);

    protected override Task WriteErrorAsync(HttpContext ctx, RecordedRequest req, WireError error, string? retryAfter, string? retryAfterMs, TimeSpan? retryInfo)
    {
        var (status, body) = ErrorBody(error, retryAfter ?? (retryAfterMs is null ? null : (double.Parse(retryAfterMs, System.Globalization.CultureInfo.InvariantCulture) / 1000).ToString(System.Globalization.CultureInfo.InvariantCulture)));
        return WriteJsonAsync(ctx, status, body, Headers(retryAfter, retryAfterMs));
    }

    protected static (string Name, string Value)[] Headers(string? retryAfter, string? retryAfterMs)
    {
        var headers = new List<(string, string)> { ("x-request-id", "req_test") };
        if (retryAfter is not null)
        {
            headers.Add(("Retry-After", retryAfter));
        }

        if (retryAfterMs is not null)
        {
            headers.Add(("retry-after-ms", retryAfterMs));
        }

        return [.. headers];
    }

    /// <summary>OpenAI's status and body for each error, from its API reference and error-code guide.</summary>
    protected virtual (int Status, string Body) ErrorBody(WireError error, string? retryAfterSeconds) => error switch
    {
        WireError.BadRequest => (400, OpenAIWire.Error("Invalid value for 'temperature': expected a number between 0 and 2.", "invalid_request_error", "temperature", "invalid_value")),
        WireError.ContextLength => (400, OpenAIWire.Error("This model's maximum context length is 128000 tokens. However, your messages resulted in 130412 tokens. Please reduce the length of the messages.", "invalid_request_error", "messages", "context_length_exceeded")),
        WireError.ContentPolicy => (400, OpenAIWire.Error("Your request was rejected as a result of our safety system.", "invalid_request_error", null, "content_policy_violation")),
        WireError.Unauthorized => (401, OpenAIWire.Error("Incorrect API key provided: test-***key. You can find your API key at https://platform.openai.com/account/api-keys.", "invalid_request_error", null, "invalid_api_key")),
        WireError.ModelNotFound => (404, OpenAIWire.Error("The model `gpt-9` does not exist or you do not have access to it.", "invalid_request_error", null, "model_not_found")),
        WireError.RateLimited => (429, OpenAIWire.Error(
            "Rate limit reached for gpt-4o-mini in organization org-test on requests per min (RPM): Limit 3, Used 3, Requested 1." + (retryAfterSeconds is null ? string.Empty : $" Please try again in {retryAfterSeconds}s."),
            "requests", null, "rate_limit_exceeded")),
        WireError.QuotaExhausted => (429, OpenAIWire.Error("You exceeded your current quota, please check your plan and billing details.", "insufficient_quota", null, "insufficient_quota")),
        WireError.ServerError => (500, OpenAIWire.Error("The server had an error while processing your request. Sorry about that!", "server_error", null, null)),
        WireError.Unavailable => (503, OpenAIWire.Error("The server is overloaded or not ready yet.", "server_error", null, null)),
        WireError.Overloaded => (503, OpenAIWire.Error("That model is currently overloaded with other requests. You can retry your request.", "server_error", null, null)),
        _ => throw new ArgumentOutOfRangeException(nameof(error)),
    };
}

/// <summary>Azure OpenAI's v1 endpoint: the same chat format, Azure's own error bodies.</summary>
public sealed class AzureOpenAILoopbackServer : OpenAILoopbackServer
{
    protected override (int Status, string Body) ErrorBody(WireError error, string? retryAfterSeconds) => error switch
    {
        WireError.ContentPolicy => (400, """{"error":{"message":"The response was filtered due to the prompt triggering Azure OpenAI's content management policy. Please modify your prompt and retry.","type":null,"param":"prompt","code":"content_filter","status":400,"innererror":{"code":"ResponsibleAIPolicyViolation","content_filter_result":{"hate":{"filtered":true,"severity":"high"},"self_harm":{"filtered":false,"severity":"safe"},"sexual":{"filtered":false,"severity":"safe"},"violence":{"filtered":false,"severity":"safe"}}}}}"""),
        WireError.Unauthorized => (401, """{"error":{"code":"401","message":"Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource."}}"""),
        WireError.ModelNotFound => (404, """{"error":{"code":"DeploymentNotFound","message":"The API deployment for this resource does not exist. If you created the deployment within the last 5 minutes, please wait a moment and try again."}}"""),
        WireError.RateLimited => (429, "{\"error\":{\"code\":\"429\",\"message\":\"Requests to the ChatCompletions_Create Operation under Azure OpenAI API version v1 have exceeded token rate limit of your current OpenAI S0 pricing tier."
            + (retryAfterSeconds is null ? string.Empty : $" Please retry after {retryAfterSeconds} seconds.") + "\"}}"),
        WireError.QuotaExhausted => (429, """{"error":{"code":"insufficient_quota","message":"The quota of this resource is exhausted. Please check your plan and billing details."}}"""),
        WireError.ServerError => (500, """{"error":{"code":"InternalServerError","message":"The service encountered an internal error. Please retry."}}"""),
        WireError.Unavailable => (503, """{"error":{"code":"ServiceUnavailable","message":"The service is temporarily unable to process your request. Please try again later."}}"""),
        _ => base.ErrorBody(error, retryAfterSeconds),
    };
}

/// <summary>vLLM's OpenAI-compatible server: the chat format, vLLM's <c>{"object":"error",...}</c> bodies.</summary>
public sealed class VllmLoopbackServer : OpenAILoopbackServer
{
    protected override (int Status, string Body) ErrorBody(WireError error, string? retryAfterSeconds) => error switch
    {
        WireError.BadRequest => (400, """{"object":"error","message":"temperature must be non-negative, got -1.0.","type":"BadRequestError","param":null,"code":400}"""),
        WireError.ContextLength => (400, """{"object":"error","message":"This model's maximum context length is 4096 tokens. However, you requested 4200 tokens (4000 in the messages, 200 in the completion). Please reduce the length of the messages or completion.","type":"BadRequestError","param":null,"code":400}"""),
        WireError.Unauthorized => (401, """{"error":"Unauthorized"}"""),
        WireError.ModelNotFound => (404, """{"object":"error","message":"The model `llama-9` does not exist.","type":"NotFoundError","param":null,"code":404}"""),
        WireError.ServerError => (500, """{"object":"error","message":"EngineCore encountered an issue. See stack trace (above) for the root cause.","type":"InternalServerError","param":null,"code":500}"""),
        WireError.Unavailable => (503, """{"object":"error","message":"The engine is not ready: the model is still loading.","type":"ServiceUnavailableError","param":null,"code":503}"""),
        // vLLM has no rate limits, quotas or content filters of its own; deployments put a gateway in front that
        // answers in OpenAI's shape, which the base class writes.
        _ => base.ErrorBody(error, retryAfterSeconds),
    };
}
