using System.Text.Json.Serialization;

namespace LlmFallback.Samples.Gateway.Wire;

/// <summary>OpenAI's error body: <c>{"error":{"message","type","param","code"}}</c>.</summary>
internal sealed class OpenAIErrorBody
{
    [JsonPropertyName("error")]
    public required OpenAIError Error { get; init; }
}

/// <summary>The error itself. <see cref="Message"/> never holds provider text, keys or request content.</summary>
internal sealed class OpenAIError
{
    [JsonPropertyName("message")]
    public required string Message { get; init; }

    [JsonPropertyName("type")]
    public required string Type { get; init; }

    [JsonPropertyName("param")]
    public string? Param { get; init; }

    [JsonPropertyName("code")]
    public string? Code { get; init; }
}

/// <summary>The body of <c>GET /v1/models</c>.</summary>
internal sealed class ModelList
{
    [JsonPropertyName("object")]
    public string Object { get; } = "list";

    [JsonPropertyName("data")]
    public required List<ModelEntry> Data { get; init; }
}

/// <summary>A model the gateway serves: a route, an alias or a provider's model.</summary>
internal sealed class ModelEntry
{
    [JsonPropertyName("id")]
    public required string Id { get; init; }

    [JsonPropertyName("object")]
    public string Object { get; } = "model";

    [JsonPropertyName("created")]
    public long Created { get; init; }

    [JsonPropertyName("owned_by")]
    public required string OwnedBy { get; init; }
}
