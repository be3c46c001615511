using System.Text.Json;
using System.Text.Json.Serialization;

namespace LlmFallback.Samples.Gateway.Wire;

/// <summary>The body of <c>POST /v1/chat/completions</c>, as OpenAI's Chat Completions API defines it.</summary>
/// <remarks>Fields that take several shapes (a string or an array, a string or an object) stay <see cref="JsonElement"/> and are read by the mapper.</remarks>
internal sealed class ChatCompletionRequest
{
    [JsonPropertyName("model")]
    public string? Model { get; set; }

    [JsonPropertyName("messages")]
    public List<WireMessage?>? Messages { get; set; }

    [JsonPropertyName("stream")]
    public bool? Stream { get; set; }

    [JsonPropertyName("stream_options")]
    public StreamOptions? StreamOptions { get; set; }

    [JsonPropertyName("temperature")]
    public float? Temperature { get; set; }

    [JsonPropertyName("top_p")]
    public float? TopP { get; set; }

    [JsonPropertyName("max_tokens")]
    public int? MaxTokens { get; set; }

    [JsonPropertyName("max_completion_tokens")]
    public int? MaxCompletionTokens { get; set; }

    [JsonPropertyName("n")]
    public int? N { get; set; }

    [JsonPropertyName("stop")]
    public JsonElement? Stop { get; set; }

    [JsonPropertyName("presence_penalty")]
    public float? PresencePenalty { get; set; }

    [JsonPropertyName("frequency_penalty")]
    public float? FrequencyPenalty { get; set; }

    [JsonPropertyName("seed")]
    public long? Seed { get; set; }

    [JsonPropertyName("tools")]
    public List<WireTool?>? Tools { get; set; }

    [JsonPropertyName("tool_choice")]
    public JsonElement? ToolChoice { get; set; }

    [JsonPropertyName("parallel_tool_calls")]
    public bool? ParallelToolCalls { get; set; }

    [JsonPropertyName("response_format")]
    public WireResponseFormat? ResponseFormat { get; set; }

    [JsonPropertyName("user")]
    public string? User { get; set; }
}

/// <summary><c>stream_options</c>.</summary>
internal sealed class StreamOptions
{
    [JsonPropertyName("include_usage")]
    public bool? IncludeUsage { get; set; }
}

/// <summary>One message of the conversation (any role).</summary>
internal sealed class WireMessage
{
    [JsonPropertyName("role")]
    public string? Role { get; set; }

    /// <summary>A string, an array of content parts, or null (an assistant message with tool calls).</summary>
    [JsonPropertyName("content")]
    public JsonElement? Content { get; set; }

    [JsonPropertyName("name")]
    public string? Name { get; set; }

    [JsonPropertyName("tool_calls")]
    public List<WireToolCall?>? ToolCalls { get; set; }

    [JsonPropertyName("tool_call_id")]
    public string? ToolCallId { get; set; }
}
