using System.Text.Json.Serialization;

namespace LlmFallback.Samples.Gateway.Wire;

/// <summary>A <c>chat.completion</c> object (non-streaming answer).</summary>
internal sealed class ChatCompletionResponse
{
    [JsonPropertyName("id")]
    public required string Id { get; init; }

    [JsonPropertyName("object")]
    public string Object { get; } = "chat.completion";

    [JsonPropertyName("created")]
    public long Created { get; init; }

    [JsonPropertyName("model")]
    public required string Model { get; init; }

    [JsonPropertyName("choices")]
    public required List<WireChoice> Choices { get; init; }

    [JsonPropertyName("usage")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public WireUsage? Usage { get; init; }

    [JsonPropertyName("system_fingerprint")]
    public string? SystemFingerprint { get; }
}

/// <summary>One choice of an answer (the gateway always answers with one).</summary>
internal sealed class WireChoice
{
    [JsonPropertyName("index")]
    public int Index { get; init; }

    [JsonPropertyName("message")]
    public required WireAnswer Message { get; init; }

    [JsonPropertyName("finish_reason")]
    public string? FinishReason { get; init; }

    [JsonPropertyName("logprobs")]
    public string? Logprobs { get; }
}

/// <summary>The assistant's message in an answer, or the delta of a streamed chunk.</summary>
internal sealed class WireAnswer
{
    [JsonPropertyName("role")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Role { get; set; }

    [JsonPropertyName("content")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Content { get; set; }

    [JsonPropertyName("refusal")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Refusal { get; set; }

    [JsonPropertyName("tool_calls")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public List<WireToolCall>? ToolCalls { get; set; }
}

/// <summary>Token usage.</summary>
internal sealed class WireUsage
{
    [JsonPropertyName("prompt_tokens")]
    public long PromptTokens { get; init; }

    [JsonPropertyName("completion_tokens")]
    public long CompletionTokens { get; init; }

    [JsonPropertyName("total_tokens")]
    public long TotalTokens { get; init; }

    [JsonPropertyName("prompt_tokens_details")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public WirePromptTokenDetails? PromptTokensDetails { get; init; }

    [JsonPropertyName("completion_tokens_details")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public WireCompletionTokenDetails? CompletionTokensDetails { get; init; }
}

/// <summary><c>prompt_tokens_details</c>.</summary>
internal sealed class WirePromptTokenDetails
{
    [JsonPropertyName("cached_tokens")]
    public long CachedTokens { get; init; }
}

/// <summary><c>completion_tokens_details</c>.</summary>
internal sealed class WireCompletionTokenDetails
{
    [JsonPropertyName("reasoning_tokens")]
    public long ReasoningTokens { get; init; }
}
