using System.Text.Json.Serialization;

namespace LlmFallback.Samples.Gateway.Wire;

/// <summary>A <c>chat.completion.chunk</c>: one server-sent event of a streamed answer.</summary>
internal sealed class ChatCompletionChunk
{
    [JsonPropertyName("id")]
    public required string Id { get; init; }

    [JsonPropertyName("object")]
    public string Object { get; } = "chat.completion.chunk";

    [JsonPropertyName("created")]
    public long Created { get; init; }

    [JsonPropertyName("model")]
    public required string Model { get; set; }

    /// <summary>One choice; empty in the usage chunk sent when <c>stream_options.include_usage</c> is set.</summary>
    [JsonPropertyName("choices")]
    public required List<WireChunkChoice> Choices { get; init; }

    /// <summary><see langword="null"/> on every chunk but the usage chunk, as OpenAI sends it when usage was asked for.</summary>
    [JsonPropertyName("usage")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public WireUsage? Usage { get; set; }

    /// <summary>Who answered (on the last chunk, when the gateway exposes it): an extension field OpenAI clients ignore.</summary>
    [JsonPropertyName("llmfallback")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public WireCallInfo? CallInfo { get; set; }
}

/// <summary>The choice of a chunk: a delta, and the finish reason on the last one.</summary>
internal sealed class WireChunkChoice
{
    [JsonPropertyName("index")]
    public int Index { get; init; }

    [JsonPropertyName("delta")]
    public required WireAnswer Delta { get; init; }

    [JsonPropertyName("finish_reason")]
    public string? FinishReason { get; set; }

    [JsonPropertyName("logprobs")]
    public string? Logprobs { get; }
}

/// <summary>Who answered a streamed request: what the <c>x-llmfallback-*</c> headers carry for a non-streamed one.</summary>
internal sealed class WireCallInfo
{
    [JsonPropertyName("provider")]
    public string? Provider { get; init; }

    [JsonPropertyName("attempts")]
    public int Attempts { get; init; }

    [JsonPropertyName("route")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Route { get; init; }

    [JsonPropertyName("cache")]
    public string? Cache { get; init; }

    [JsonPropertyName("fallback_reason")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? FallbackReason { get; init; }

    [JsonPropertyName("rescued")]
    public bool Rescued { get; init; }

    [JsonPropertyName("cost_usd")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public decimal? Cost { get; init; }
}
