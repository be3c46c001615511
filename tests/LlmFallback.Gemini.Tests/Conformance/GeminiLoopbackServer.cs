using System.Globalization;
using System.Text.Json.Nodes;
using LlmFallback.Conformance;
using Microsoft.AspNetCore.Http;

namespace LlmFallback.Gemini.Tests.Conformance;

/// <summary>
/// The shared conformance scenarios in Gemini's wire format: JSON responses, SSE chunks without a terminal event,
/// google.rpc.Status errors. For a Gemini 3 model (<c>models/gemini-3…</c> in the path) it signs its answers as the API
/// does: the first function call of an answer, or the last part of an answer without calls (in a stream, an empty text
/// part of the last chunk). Every request is checked as the API checks it (<see cref="GeminiRequestRules"/>).
/// </summary>
public sealed class GeminiLoopbackServer : LoopbackProviderServer
{
    private readonly GeminiRequestRules _rules = new();

    protected override (int Status, string Body, string Message)? Validate(RecordedRequest request) => _rules.Check(request.Json, IsGemini3(request));

    protected override Task WriteTextResponseAsync(HttpContext ctx, RecordedRequest req, string text, int inTok, int outTok)
    {
        var part = GeminiWireJson.TextPart(text);
        if (IsGemini3(req))
        {
            part["thoughtSignature"] = _rules.Issue();
        }

        return WriteJsonAsync(ctx, 200, GeminiWireJson.Response([part], "STOP", GeminiWireJson.Usage(inTok, outTok)));
    }

    // generateContent sends function calls without an id (HasToolCallIds is false): the scenario's call id stays off
    // the wire, and the adapter's own ids must carry the round trip.
    protected override Task WriteToolCallResponseAsync(HttpContext ctx, RecordedRequest req, string callId, string name, string argsJson, int inTok, int outTok) =>
        WriteToolCallsResponseAsync(ctx, req, [new WireToolCall(callId, name, argsJson)], inTok, outTok);

    // Parallel calls: only the first carries the signature.
    protected override Task WriteToolCallsResponseAsync(HttpContext ctx, RecordedRequest req, IReadOnlyList<WireToolCall> calls, int inTok, int outTok)
    {
        var parts = new JsonNode[calls.Count];
        for (var i = 0; i < calls.Count; i++)
        {
            var part = GeminiWireJson.FunctionCallPart(calls[i].Name, calls[i].Arguments);
            if (i == 0 && IsGemini3(req))
            {
                part["thoughtSignature"] = _rules.Issue();
            }

            parts[i] = part;
        }

        return WriteJsonAsync(ctx, 200, GeminiWireJson.Response(parts, "STOP", GeminiWireJson.Usage(inTok, outTok)));
    }

    // Gemini opens a stream with its first chunk: there is no start event.
    protected override Task BeginStreamAsync(HttpContext ctx, RecordedRequest req) => StartSseAsync(ctx);

    protected override Task WriteTextDeltaAsync(HttpContext ctx, RecordedRequest req, string text, int index) =>
        WriteSseAsync(ctx, null, GeminiWireJson.Response([GeminiWireJson.TextPart(text)], null, null));

    // Gemini streams a function call whole, in one chunk, and without an id.
    protected override Task WriteToolCallDeltasAsync(HttpContext ctx, RecordedRequest req, string callId, string name, string argsJson)
    {
        var part = GeminiWireJson.FunctionCallPart(name, argsJson);
        if (IsGemini3(req))
        {
            part["thoughtSignature"] = _rules.Issue();
        }

        return WriteSseAsync(ctx, null, GeminiWireJson.Response([part], null, null));
    }

    // The last chunk: the finish reason and the usage (Gemini sends the same finish for text and tool calls); after
    // text, Gemini 3 puts the answer's signature on an empty text part here.
    protected override Task WriteFinishAsync(HttpContext ctx, RecordedRequest req, bool toolCalls, int inTok, int outTok)
    {
        JsonNode[] parts = !toolCalls && IsGemini3(req) ? [new JsonObject { ["text"] = string.Empty, ["thoughtSignature"] = _rules.Issue() }] : [];
        return WriteSseAsync(ctx, null, GeminiWireJson.Response(parts, "STOP", GeminiWireJson.Usage(inTok, outTok)));
    }

    // No terminal marker in Gemini streams: the finish chunk is the end.
    protected override Task WriteTerminalAsync(HttpContext ctx, RecordedRequest req) => Task.CompletedTask;

    protected override Task WriteMalformedAsync(HttpContext ctx, RecordedRequest req) =>
        WriteSseAsync(ctx, null, """{"candidates": [{"content": {"parts": [{"text": "brok""");

    // An error inside a stream is a google.rpc.Status object as its own data event.
    protected override Task WriteStreamErrorAsync(HttpContext ctx, RecordedRequest req, WireError error) =>
        WriteSseAsync(ctx, null, Error(error, null).Body);

    protected override Task WriteErrorAsync(HttpContext ctx, RecordedRequest req, WireError error, string? retryAfter, string? retryAfterMs, TimeSpan? retryInfo)
    {
        var (status, body) = Error(error, retryInfo);
        if (status == 200 && req.Path.EndsWith(":streamGenerateContent", StringComparison.Ordinal))
        {
            // A refusal is not an HTTP error: a stream opens and its only chunk carries the block reason.
            return StreamRefusalAsync(ctx, body);
        }

        var headers = new List<(string, string)>();
        if (retryAfter is not null)
        {
            headers.Add(("Retry-After", retryAfter));
        }

        if (retryAfterMs is not null)
        {
            headers.Add(("retry-after-ms", retryAfterMs));
        }

        return WriteJsonAsync(ctx, status, body, [.. headers]);
    }

    private static bool IsGemini3(RecordedRequest request) => request.Path.Contains("/models/gemini-3", StringComparison.Ordinal);

    private static async Task StreamRefusalAsync(HttpContext ctx, string chunk)
    {
        await StartSseAsync(ctx);
        await WriteSseAsync(ctx, null, chunk);
    }

    private static (int Status, string Body) Error(WireError error, TimeSpan? retryInfo)
    {
        JsonObject[] retry = retryInfo is { } delay ? [GeminiWireJson.RetryInfo(delay.TotalSeconds.ToString(CultureInfo.InvariantCulture) + "s")] : [];
        return error switch
        {
            WireError.BadRequest => (400, GeminiWireJson.Error(400, "INVALID_ARGUMENT", GeminiWireJson.BadRequestMessage)),
            WireError.ContextLength => (400, GeminiWireJson.Error(400, "INVALID_ARGUMENT", GeminiWireJson.ContextLengthMessage)),
            // Gemini refuses a prompt in a successful response: promptFeedback.blockReason and no candidates.
            WireError.ContentPolicy => (200, GeminiWireJson.PromptBlocked("SAFETY")),

            // A wrong key is a 400 INVALID_ARGUMENT whose ErrorInfo says API_KEY_INVALID.
            WireError.Unauthorized => (400, GeminiWireJson.Error(400, "INVALID_ARGUMENT", GeminiWireJson.ApiKeyInvalidMessage, GeminiWireJson.ErrorInfo("API_KEY_INVALID"))),
            WireError.ModelNotFound => (404, GeminiWireJson.Error(404, "NOT_FOUND", GeminiWireJson.NotFoundMessage)),
            WireError.RateLimited => (429, GeminiWireJson.Error(429, "RESOURCE_EXHAUSTED", GeminiWireJson.QuotaMessage,
                [GeminiWireJson.QuotaFailure("GenerateRequestsPerMinutePerProjectPerModel-FreeTier"), GeminiWireJson.Help(), .. retry])),
            WireError.QuotaExhausted => (429, GeminiWireJson.Error(429, "RESOURCE_EXHAUSTED", GeminiWireJson.QuotaMessage,
                [GeminiWireJson.QuotaFailure("GenerateRequestsPerDayPerProjectPerModel-FreeTier"), GeminiWireJson.Help(), .. retry])),
            WireError.ServerError => (500, GeminiWireJson.Error(500, "INTERNAL", GeminiWireJson.InternalMessage)),
            WireError.Unavailable => (503, GeminiWireJson.Error(503, "UNAVAILABLE", GeminiWireJson.UnavailableMessage)),
            WireError.Overloaded => (503, GeminiWireJson.Error(503, "UNAVAILABLE", GeminiWireJson.OverloadedMessage)),
            _ => throw new ArgumentOutOfRangeException(nameof(error), error, null),
        };
    }
}
