using System.Text.Json;
using System.Text.Json.Nodes;
using LlmFallback.Conformance;
using Microsoft.AspNetCore.Http;

namespace LlmFallback.Anthropic.Tests;

/// <summary>
/// Speaks the Anthropic Messages API wire format, from its public reference: <c>POST /v1/messages</c> answered with a
/// <c>message</c> object (content blocks, <c>stop_reason</c>, <c>usage</c>) or, when <c>stream</c> is true, with the
/// SSE events <c>message_start</c>, <c>content_block_start</c>, <c>content_block_delta</c> (<c>text_delta</c>,
/// <c>input_json_delta</c>), <c>content_block_stop</c>, <c>message_delta</c>, <c>message_stop</c>, <c>ping</c> and
/// <c>error</c>; errors as <c>{"type":"error","error":{"type","message"},"request_id"}</c> with the documented statuses.
/// </summary>
public sealed partial class AnthropicLoopbackServer : LoopbackProviderServer
{
    public const string Model = "claude-sonnet-4-5-20250929";

    private const string OpenBlockKey = "anthropic.open-block";
    private const string NextBlockKey = "anthropic.next-block";

    protected override Task WriteTextResponseAsync(HttpContext ctx, RecordedRequest req, string text, int inTok, int outTok) =>
        WriteJsonAsync(ctx, 200, Message(Content(req, new JsonObject { ["type"] = "text", ["text"] = text }), "end_turn", inTok, outTok), RequestId());

    protected override Task WriteToolCallResponseAsync(HttpContext ctx, RecordedRequest req, string callId, string name, string argsJson, int inTok, int outTok) =>
        WriteToolCallsResponseAsync(ctx, req, [new WireToolCall(callId, name, argsJson)], inTok, outTok);

    protected override Task WriteToolCallsResponseAsync(HttpContext ctx, RecordedRequest req, IReadOnlyList<WireToolCall> calls, int inTok, int outTok)
    {
        var blocks = new JsonObject[calls.Count];
        for (var i = 0; i < calls.Count; i++)
        {
            blocks[i] = new JsonObject { ["type"] = "tool_use", ["id"] = calls[i].Id, ["name"] = calls[i].Name, ["input"] = JsonNode.Parse(calls[i].Arguments) };
        }

        return WriteJsonAsync(ctx, 200, Message(Content(req, blocks), "tool_use", inTok, outTok), RequestId());
    }

    protected override async Task BeginStreamAsync(HttpContext ctx, RecordedRequest req)
    {
        ctx.Response.Headers["request-id"] = "req_011Stream";
        await StartSseAsync(ctx);
        var message = new JsonObject
        {
            ["id"] = "msg_01Stream",
            ["type"] = "message",
            ["role"] = "assistant",
            ["content"] = new JsonArray(),
            ["model"] = Model,
            ["stop_reason"] = null,
            ["stop_sequence"] = null,
            ["usage"] = new JsonObject { ["input_tokens"] = 1, ["output_tokens"] = 1 },
        };
        await WriteSseAsync(ctx, "message_start", new JsonObject { ["type"] = "message_start", ["message"] = message }.ToJsonString());
        await WriteSseAsync(ctx, "ping", """{"type": "ping"}""");
        if (AnthropicRequestRules.ThinkingEnabled(req.Json))
        {
            await WriteThinkingBlockAsync(ctx, NextBlock(ctx));
        }
    }

    protected override async Task WriteTextDeltaAsync(HttpContext ctx, RecordedRequest req, string text, int index)
    {
        if (ctx.Items[OpenBlockKey] is not int block)
        {
            block = NextBlock(ctx);
            ctx.Items[OpenBlockKey] = block;
            await WriteSseAsync(ctx, "content_block_start", $$$"""{"type":"content_block_start","index":{{{block}}},"content_block":{"type":"text","text":""}}""");
        }

        var delta = new JsonObject
        {
            ["type"] = "content_block_delta",
            ["index"] = block,
            ["delta"] = new JsonObject { ["type"] = "text_delta", ["text"] = text },
        };
        await WriteSseAsync(ctx, "content_block_delta", delta.ToJsonString());
    }

    protected override async Task WriteToolCallDeltasAsync(HttpContext ctx, RecordedRequest req, string callId, string name, string argsJson)
    {
        await CloseOpenBlockAsync(ctx);
        var block = NextBlock(ctx);
        var start = new JsonObject
        {
            ["type"] = "content_block_start",
            ["index"] = block,
            ["content_block"] = new JsonObject { ["type"] = "tool_use", ["id"] = callId, ["name"] = name, ["input"] = new JsonObject() },
        };
        await WriteSseAsync(ctx, "content_block_start", start.ToJsonString());

        // The API streams the input as partial JSON strings; send it in two pieces, as it does.
        var half = argsJson.Length / 2;
        foreach (var part in new[] { argsJson[..half], argsJson[half..] })
        {
            var delta = new JsonObject
            {
                ["type"] = "content_block_delta",
                ["index"] = block,
                ["delta"] = new JsonObject { ["type"] = "input_json_delta", ["partial_json"] = part },
            };
            await WriteSseAsync(ctx, "content_block_delta", delta.ToJsonString());
        }

        await WriteSseAsync(ctx, "content_block_stop", $$"""{"type":"content_block_stop","index":{{block}}}""");
    }

    protected override async Task WriteFinishAsync(HttpContext ctx, RecordedRequest req, bool toolCalls, int inTok, int outTok)
    {
        await CloseOpenBlockAsync(ctx);
        var delta = new JsonObject
        {
            ["type"] = "message_delta",
            ["delta"] = new JsonObject { ["stop_reason"] = toolCalls ? "tool_use" : "end_turn", ["stop_sequence"] = null },
            ["usage"] = new JsonObject { ["input_tokens"] = inTok, ["output_tokens"] = outTok },
        };
        await WriteSseAsync(ctx, "message_delta", delta.ToJsonString());
    }

    protected override Task WriteTerminalAsync(HttpContext ctx, RecordedRequest req) =>
        WriteSseAsync(ctx, "message_stop", """{"type":"message_stop"}""");

    protected override Task WriteMalformedAsync(HttpContext ctx, RecordedRequest req) =>
        WriteSseAsync(ctx, "content_block_delta", """{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"unterminated""");

    protected override Task WriteStreamErrorAsync(HttpContext ctx, RecordedRequest req, WireError error) =>
        WriteSseAsync(ctx, "error", ErrorBody(error, withRequestId: false));

    protected override Task WriteErrorAsync(HttpContext ctx, RecordedRequest req, WireError error, string? retryAfter, string? retryAfterMs, TimeSpan? retryInfo)
    {
        var headers = new List<(string, string)> { RequestId() };
        if (retryAfter is not null)
        {
            headers.Add(("retry-after", retryAfter));
        }

        if (retryAfterMs is not null)
        {
            headers.Add(("retry-after-ms", retryAfterMs));
        }

        if (error is WireError.Overloaded or WireError.ServerError)
        {
            headers.Add(("x-should-retry", "true"));
        }

        return WriteJsonAsync(ctx, Status(error), ErrorBody(error, withRequestId: true), [.. headers]);
    }

    /// <summary>The documented status of each error.</summary>
    public static int Status(WireError error) => error switch
    {
        WireError.BadRequest or WireError.ContextLength or WireError.ContentPolicy => 400,
        WireError.Unauthorized => 401,
        WireError.ModelNotFound => 404,
        WireError.RateLimited or WireError.QuotaExhausted => 429,
        WireError.ServerError => 500,
        WireError.Unavailable => 503,
        WireError.Overloaded => 529,
        _ => throw new ArgumentOutOfRangeException(nameof(error)),
    };

    /// <summary>The real error body of each error: type and message as the API sends them.</summary>
    public static string ErrorBody(WireError error, bool withRequestId)
    {
        var (type, message, code) = error switch
        {
            WireError.BadRequest => ("invalid_request_error", "messages: roles must alternate between \"user\" and \"assistant\", but found multiple \"user\" roles in a row", (string?)null),
            WireError.ContextLength => ("invalid_request_error", "prompt is too long: 215013 tokens > 200000 maximum", null),
            WireError.ContentPolicy => ("invalid_request_error", "Output blocked by content filtering policy", null),
            WireError.Unauthorized => ("authentication_error", "invalid x-api-key", null),
            WireError.ModelNotFound => ("not_found_error", "model: claude-sonnet-9-9", null),
            WireError.RateLimited => ("rate_limit_error", "This request would exceed the rate limit for your organization of 50 requests per minute. For details, refer to: https://docs.claude.com/en/api/rate-limits.", null),
            WireError.QuotaExhausted => ("rate_limit_error", "You have reached your specified API usage limits. You will regain access on 2026-12-01 at 00:00 UTC.", "enforced_spend_limit_reached"),
            WireError.ServerError => ("api_error", "Internal server error", null),
            WireError.Unavailable => ("api_error", "Service unavailable", null),
            WireError.Overloaded => ("overloaded_error", "Overloaded", null),
            _ => throw new ArgumentOutOfRangeException(nameof(error)),
        };
        var inner = new JsonObject { ["type"] = type, ["message"] = message };
        if (code is not null)
        {
            inner["details"] = new JsonObject { ["error_code"] = code };
        }

        var body = new JsonObject { ["type"] = "error", ["error"] = inner };
        if (withRequestId)
        {
            body["request_id"] = "req_011CErr";
        }

        return body.ToJsonString();
    }

    private static string Message(JsonArray content, string stopReason, int inTok, int outTok) => new JsonObject
    {
        ["id"] = "msg_01Text",
        ["type"] = "message",
        ["role"] = "assistant",
        ["model"] = Model,
        ["content"] = content,
        ["stop_reason"] = stopReason,
        ["stop_sequence"] = null,
        ["usage"] = new JsonObject { ["input_tokens"] = inTok, ["output_tokens"] = outTok },
    }.ToJsonString();

    private static (string, string) RequestId() => ("request-id", "req_011CTest");

    private static int NextBlock(HttpContext ctx)
    {
        var next = ctx.Items[NextBlockKey] is int n ? n : 0;
        ctx.Items[NextBlockKey] = next + 1;
        return next;
    }

    private static async Task CloseOpenBlockAsync(HttpContext ctx)
    {
        if (ctx.Items[OpenBlockKey] is int open)
        {
            ctx.Items.Remove(OpenBlockKey);
            await WriteSseAsync(ctx, "content_block_stop", $$"""{"type":"content_block_stop","index":{{open}}}""");
        }
    }
}
