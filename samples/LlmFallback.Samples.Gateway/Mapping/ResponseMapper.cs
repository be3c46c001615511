using System.Buffers;
using System.Text;
using System.Text.Json;
using LlmFallback.Samples.Gateway.Wire;

namespace LlmFallback.Samples.Gateway.Mapping;

/// <summary>Turns M.E.AI answers into OpenAI's wire objects.</summary>
internal static class ResponseMapper
{
    public static ChatCompletionResponse ToCompletion(ChatResponse response, string id, long created, string model)
    {
        var text = new StringBuilder();
        List<WireToolCall>? calls = null;
        foreach (var message in response.Messages)
        {
            if (message.Role != ChatRole.Assistant)
            {
                continue;
            }

            foreach (var content in message.Contents)
            {
                switch (content)
                {
                    case TextContent t:
                        text.Append(t.Text);
                        break;
                    case FunctionCallContent call:
                        (calls ??= []).Add(ToolCall(call, index: null));
                        break;
                }
            }
        }

        return new ChatCompletionResponse
        {
            Id = id,
            Created = created,
            Model = model,
            Choices =
            [
                new WireChoice
                {
                    Message = new WireAnswer { Role = "assistant", Content = calls is not null && text.Length == 0 ? null : text.ToString(), ToolCalls = calls },
                    FinishReason = FinishReason(response.FinishReason, calls is not null),
                },
            ],
            Usage = Usage(response.Usage) ?? new WireUsage(),
        };
    }

    /// <summary>OpenAI's finish reason; an answer without one that asks for tools finished for them.</summary>
    public static string FinishReason(ChatFinishReason? reason, bool hasToolCalls)
    {
        if (reason == ChatFinishReason.Length)
        {
            return "length";
        }

        if (reason == ChatFinishReason.ContentFilter)
        {
            return "content_filter";
        }

        return reason == ChatFinishReason.ToolCalls || hasToolCalls ? "tool_calls" : "stop";
    }

    public static WireUsage? Usage(UsageDetails? usage)
    {
        if (usage is null)
        {
            return null;
        }

        var input = usage.InputTokenCount ?? 0;
        var output = usage.OutputTokenCount ?? 0;
        return new WireUsage
        {
            PromptTokens = input,
            CompletionTokens = output,
            TotalTokens = usage.TotalTokenCount ?? input + output,
            PromptTokensDetails = usage.CachedInputTokenCount is { } cached ? new WirePromptTokenDetails { CachedTokens = cached } : null,
            CompletionTokensDetails = usage.ReasoningTokenCount is { } reasoning ? new WireCompletionTokenDetails { ReasoningTokens = reasoning } : null,
        };
    }

    public static WireToolCall ToolCall(FunctionCallContent call, int? index) => new()
    {
        Index = index,
        Id = call.CallId,
        Type = "function",
        Function = new WireFunctionCall { Name = call.Name, Arguments = Arguments(call.Arguments) },
    };

    /// <summary>The arguments as the JSON text OpenAI sends; values parsed from JSON are written back as they were.</summary>
    private static string Arguments(IDictionary<string, object?>? arguments)
    {
        if (arguments is null || arguments.Count == 0)
        {
            return "{}";
        }

        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var (name, value) in arguments)
            {
                writer.WritePropertyName(name);
                switch (value)
                {
                    case null:
                        writer.WriteNullValue();
                        break;
                    case JsonElement element:
                        element.WriteTo(writer);
                        break;
                    default:
                        JsonSerializer.Serialize(writer, value, AIJsonUtilities.DefaultOptions.GetTypeInfo(value.GetType()));
                        break;
                }
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
