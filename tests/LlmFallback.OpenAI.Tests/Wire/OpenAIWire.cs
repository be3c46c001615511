using System.Buffers;
using System.Text;
using System.Text.Json;

namespace LlmFallback.OpenAI.Tests.Wire;

/// <summary>
/// The OpenAI Chat Completions wire format, written from the public API reference: <c>chat.completion</c> objects,
/// <c>chat.completion.chunk</c> SSE payloads (<c>choices[].delta</c>, tool-call deltas, <c>finish_reason</c>, the
/// usage chunk of <c>stream_options.include_usage</c>) and <c>{"error":{...}}</c> bodies.
/// </summary>
internal static class OpenAIWire
{
    public const string Id = "chatcmpl-test1";
    public const long Created = 1_767_225_600;

    public static string Completion(string model, string? text, string? callId, string? name, string? argumentsJson, int inputTokens, int outputTokens) =>
        Completion(model, text, callId is null ? [] : [new LlmFallback.Conformance.WireToolCall(callId, name!, argumentsJson!)], inputTokens, outputTokens);

    /// <summary>A <c>chat.completion</c> with text, or with one or more (parallel) tool calls.</summary>
    public static string Completion(string model, string? text, IReadOnlyList<LlmFallback.Conformance.WireToolCall> calls, int inputTokens, int outputTokens) => Json(w =>
    {
        Header(w, "chat.completion", model);
        w.WriteStartArray("choices");
        w.WriteStartObject();
        w.WriteNumber("index", 0);
        w.WriteStartObject("message");
        w.WriteString("role", "assistant");
        w.WriteString("content", text);
        w.WriteNull("refusal");
        if (calls.Count > 0)
        {
            w.WriteStartArray("tool_calls");
            foreach (var call in calls)
            {
                ToolCall(w, null, call.Id, call.Name, call.Arguments);
            }

            w.WriteEndArray();
        }

        w.WriteEndObject();
        w.WriteNull("logprobs");
        w.WriteString("finish_reason", calls.Count == 0 ? "stop" : "tool_calls");
        w.WriteEndObject();
        w.WriteEndArray();
        Usage(w, inputTokens, outputTokens);
        w.WriteString("system_fingerprint", "fp_test");
    });

    public static string RoleChunk(string model) => Chunk(model, w =>
    {
        w.WriteString("role", "assistant");
        w.WriteString("content", string.Empty);
        w.WriteNull("refusal");
    }, finishReason: null);

    public static string TextChunk(string model, string text) => Chunk(model, w => w.WriteString("content", text), finishReason: null);

    /// <summary>The first tool-call delta names the call and function; the arguments follow in two pieces.</summary>
    public static IEnumerable<string> ToolCallChunks(string model, string callId, string name, string argumentsJson)
    {
        yield return Chunk(model, w =>
        {
            w.WriteStartArray("tool_calls");
            ToolCall(w, 0, callId, name, string.Empty);
            w.WriteEndArray();
        }, finishReason: null);
        var half = argumentsJson.Length / 2;
        foreach (var piece in new[] { argumentsJson[..half], argumentsJson[half..] })
        {
            yield return Chunk(model, w =>
            {
                w.WriteStartArray("tool_calls");
                w.WriteStartObject();
                w.WriteNumber("index", 0);
                w.WriteStartObject("function");
                w.WriteString("arguments", piece);
                w.WriteEndObject();
                w.WriteEndObject();
                w.WriteEndArray();
            }, finishReason: null);
        }
    }

    public static string FinishChunk(string model, bool toolCalls) => Chunk(model, _ => { }, toolCalls ? "tool_calls" : "stop");

    /// <summary>The last chunk when <c>stream_options.include_usage</c> is set: no choices, only usage.</summary>
    public static string UsageChunk(string model, int inputTokens, int outputTokens) => Json(w =>
    {
        Header(w, "chat.completion.chunk", model);
        w.WriteStartArray("choices");
        w.WriteEndArray();
        Usage(w, inputTokens, outputTokens);
    });

    /// <summary>OpenAI's error body: <c>{"error":{"message","type","param","code"}}</c>.</summary>
    public static string Error(string message, string? type, string? param, string? code) => Json(w =>
    {
        w.WriteStartObject("error");
        w.WriteString("message", message);
        w.WriteString("type", type);
        w.WriteString("param", param);
        w.WriteString("code", code);
        w.WriteEndObject();
    });

    public static string Model(JsonElement request) =>
        request.ValueKind == JsonValueKind.Object && request.TryGetProperty("model", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString()! : "unknown";

    public static bool IncludeUsage(JsonElement request) =>
        request.ValueKind == JsonValueKind.Object
        && request.TryGetProperty("stream_options", out var o) && o.ValueKind == JsonValueKind.Object
        && o.TryGetProperty("include_usage", out var u) && u.ValueKind == JsonValueKind.True;

    private static string Chunk(string model, Action<Utf8JsonWriter> delta, string? finishReason) => Json(w =>
    {
        Header(w, "chat.completion.chunk", model);
        w.WriteStartArray("choices");
        w.WriteStartObject();
        w.WriteNumber("index", 0);
        w.WriteStartObject("delta");
        delta(w);
        w.WriteEndObject();
        w.WriteNull("logprobs");
        w.WriteString("finish_reason", finishReason);
        w.WriteEndObject();
        w.WriteEndArray();
    });

    private static void Header(Utf8JsonWriter w, string type, string model)
    {
        w.WriteString("id", Id);
        w.WriteString("object", type);
        w.WriteNumber("created", Created);
        w.WriteString("model", model);
    }

    private static void ToolCall(Utf8JsonWriter w, int? index, string callId, string name, string argumentsJson)
    {
        w.WriteStartObject();
        if (index is { } i)
        {
            w.WriteNumber("index", i);
        }

        w.WriteString("id", callId);
        w.WriteString("type", "function");
        w.WriteStartObject("function");
        w.WriteString("name", name);
        w.WriteString("arguments", argumentsJson);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void Usage(Utf8JsonWriter w, int inputTokens, int outputTokens)
    {
        w.WriteStartObject("usage");
        w.WriteNumber("prompt_tokens", inputTokens);
        w.WriteNumber("completion_tokens", outputTokens);
        w.WriteNumber("total_tokens", inputTokens + outputTokens);
        w.WriteEndObject();
    }

    private static string Json(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            write(w);
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
