using System.Text.Json.Serialization;

namespace LlmFallback.Samples.Gateway.Wire;

/// <summary>Source-generated (reflection-free, trim and AOT safe) serialization of every wire type.</summary>
[JsonSourceGenerationOptions(
    GenerationMode = JsonSourceGenerationMode.Default,
    NumberHandling = JsonNumberHandling.Strict,
    AllowTrailingCommas = false,
    ReadCommentHandling = System.Text.Json.JsonCommentHandling.Disallow,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip)]
[JsonSerializable(typeof(ChatCompletionRequest))]
[JsonSerializable(typeof(ChatCompletionResponse))]
[JsonSerializable(typeof(ChatCompletionChunk))]
[JsonSerializable(typeof(OpenAIErrorBody))]
[JsonSerializable(typeof(ModelList))]
[JsonSerializable(typeof(ModelEntry))]
[JsonSerializable(typeof(HealthReportBody))]
internal sealed partial class GatewayJsonContext : JsonSerializerContext;

/// <summary>The body of the health endpoints.</summary>
internal sealed class HealthReportBody
{
    [JsonPropertyName("status")]
    public required string Status { get; init; }

    [JsonPropertyName("checks")]
    public required Dictionary<string, HealthEntryBody> Checks { get; init; }
}

/// <summary>One health check's result.</summary>
internal sealed class HealthEntryBody
{
    [JsonPropertyName("status")]
    public required string Status { get; init; }

    [JsonPropertyName("description")]
    public string? Description { get; init; }

    [JsonPropertyName("data")]
    public Dictionary<string, string>? Data { get; init; }
}
