using System.Text.Json;
using System.Text.Json.Serialization;

namespace LlmFallback.Samples.Gateway.Wire;

/// <summary>A tool call, in a request's assistant message or in an answer.</summary>
internal sealed class WireToolCall
{
    /// <summary>The call's position, in streamed deltas only.</summary>
    [JsonPropertyName("index")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? Index { get; set; }

    [JsonPropertyName("id")]
    public string? Id { get; set; }

    [JsonPropertyName("type")]
    public string? Type { get; set; }

    [JsonPropertyName("function")]
    public WireFunctionCall? Function { get; set; }
}

/// <summary>The function a tool call names, and its arguments as a JSON text.</summary>
internal sealed class WireFunctionCall
{
    [JsonPropertyName("name")]
    public string? Name { get; set; }

    [JsonPropertyName("arguments")]
    public string? Arguments { get; set; }
}

/// <summary>A tool the model may call.</summary>
internal sealed class WireTool
{
    [JsonPropertyName("type")]
    public string? Type { get; set; }

    [JsonPropertyName("function")]
    public WireFunction? Function { get; set; }
}

/// <summary>A function declaration: name, description and JSON schema of its parameters.</summary>
internal sealed class WireFunction
{
    [JsonPropertyName("name")]
    public string? Name { get; set; }

    [JsonPropertyName("description")]
    public string? Description { get; set; }

    [JsonPropertyName("parameters")]
    public JsonElement? Parameters { get; set; }

    [JsonPropertyName("strict")]
    public bool? Strict { get; set; }
}

/// <summary><c>response_format</c>: <c>text</c>, <c>json_object</c> or <c>json_schema</c>.</summary>
internal sealed class WireResponseFormat
{
    [JsonPropertyName("type")]
    public string? Type { get; set; }

    [JsonPropertyName("json_schema")]
    public WireJsonSchema? JsonSchema { get; set; }
}

/// <summary>The schema of a <c>json_schema</c> response format.</summary>
internal sealed class WireJsonSchema
{
    [JsonPropertyName("name")]
    public string? Name { get; set; }

    [JsonPropertyName("description")]
    public string? Description { get; set; }

    [JsonPropertyName("schema")]
    public JsonElement? Schema { get; set; }

    [JsonPropertyName("strict")]
    public bool? Strict { get; set; }
}
