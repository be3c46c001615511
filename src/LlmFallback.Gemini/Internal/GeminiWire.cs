using System.Text.Json;
using System.Text.Json.Serialization;

namespace LlmFallback.Gemini;

// The Gemini REST wire format (generateContent / streamGenerateContent), only the fields this adapter reads or
// writes. Unknown response fields are ignored, so new API fields never break parsing.

/// <summary>The body of <c>models/{model}:generateContent</c> and <c>:streamGenerateContent</c>.</summary>
internal sealed class GenerateContentRequest
{
    public List<GeminiContent> Contents { get; set; } = [];

    public GeminiContent? SystemInstruction { get; set; }

    public List<GeminiTool>? Tools { get; set; }

    public GeminiToolConfig? ToolConfig { get; set; }

    public GeminiGenerationConfig? GenerationConfig { get; set; }
}

/// <summary>One turn: <c>role</c> is <c>user</c> or <c>model</c>.</summary>
internal sealed class GeminiContent
{
    public string? Role { get; set; }

    public List<GeminiPart>? Parts { get; set; }
}

/// <summary>One part of a turn; exactly one of the data members is set.</summary>
internal sealed class GeminiPart
{
    public string? Text { get; set; }

    /// <summary>Marks a part as the model's thought summary.</summary>
    public bool? Thought { get; set; }

    /// <summary>An opaque signature of the model's reasoning, which must be sent back unchanged with the part.</summary>
    public string? ThoughtSignature { get; set; }

    public GeminiBlob? InlineData { get; set; }

    public GeminiFileData? FileData { get; set; }

    public GeminiFunctionCall? FunctionCall { get; set; }

    public GeminiFunctionResponse? FunctionResponse { get; set; }
}

internal sealed class GeminiBlob
{
    public string? MimeType { get; set; }

    /// <summary>Base64 bytes.</summary>
    public string? Data { get; set; }
}

internal sealed class GeminiFileData
{
    public string? MimeType { get; set; }

    public string? FileUri { get; set; }
}

internal sealed class GeminiFunctionCall
{
    /// <summary>Set by the API on some models; when set it must be echoed in the matching function response.</summary>
    public string? Id { get; set; }

    public string? Name { get; set; }

    public JsonElement? Args { get; set; }
}

internal sealed class GeminiFunctionResponse
{
    public string? Id { get; set; }

    public string? Name { get; set; }

    /// <summary>A JSON object; by the API's convention <c>{"output": ...}</c> or <c>{"error": ...}</c>.</summary>
    public JsonElement Response { get; set; }
}

internal sealed class GeminiTool
{
    public List<GeminiFunctionDeclaration>? FunctionDeclarations { get; set; }
}

internal sealed class GeminiFunctionDeclaration
{
    public string? Name { get; set; }

    public string? Description { get; set; }

    /// <summary>The parameters as a full JSON Schema (the alternative to the OpenAPI-subset <c>parameters</c>).</summary>
    public JsonElement? ParametersJsonSchema { get; set; }
}

internal sealed class GeminiToolConfig
{
    public GeminiFunctionCallingConfig? FunctionCallingConfig { get; set; }
}

internal sealed class GeminiFunctionCallingConfig
{
    /// <summary><c>AUTO</c>, <c>ANY</c> or <c>NONE</c>.</summary>
    public string? Mode { get; set; }

    public List<string>? AllowedFunctionNames { get; set; }
}

internal sealed class GeminiGenerationConfig
{
    public float? Temperature { get; set; }

    public float? TopP { get; set; }

    public int? TopK { get; set; }

    public int? MaxOutputTokens { get; set; }

    public List<string>? StopSequences { get; set; }

    public float? PresencePenalty { get; set; }

    public float? FrequencyPenalty { get; set; }

    public long? Seed { get; set; }

    public string? ResponseMimeType { get; set; }

    /// <summary>The output schema as a full JSON Schema (the alternative to the OpenAPI-subset <c>responseSchema</c>).</summary>
    public JsonElement? ResponseJsonSchema { get; set; }

    public GeminiThinkingConfig? ThinkingConfig { get; set; }
}

internal sealed class GeminiThinkingConfig
{
    public bool? IncludeThoughts { get; set; }
}

/// <summary>A response, or one streamed chunk of it. A chunk may instead carry an <see cref="Error"/>.</summary>
internal sealed class GenerateContentResponse
{
    public List<GeminiCandidate>? Candidates { get; set; }

    public GeminiPromptFeedback? PromptFeedback { get; set; }

    public GeminiUsageMetadata? UsageMetadata { get; set; }

    public string? ModelVersion { get; set; }

    public string? ResponseId { get; set; }

    public GeminiError? Error { get; set; }
}

internal sealed class GeminiCandidate
{
    public GeminiContent? Content { get; set; }

    public string? FinishReason { get; set; }

    public int? Index { get; set; }
}

internal sealed class GeminiPromptFeedback
{
    public string? BlockReason { get; set; }
}

internal sealed class GeminiUsageMetadata
{
    public int? PromptTokenCount { get; set; }

    public int? CandidatesTokenCount { get; set; }

    public int? TotalTokenCount { get; set; }

    public int? CachedContentTokenCount { get; set; }

    public int? ThoughtsTokenCount { get; set; }

    public int? ToolUsePromptTokenCount { get; set; }
}

/// <summary>The body of a failed call: <c>{"error": {...}}</c>.</summary>
internal sealed class GeminiErrorEnvelope
{
    public GeminiError? Error { get; set; }
}

/// <summary>A <c>google.rpc.Status</c>.</summary>
internal sealed class GeminiError
{
    public int Code { get; set; }

    public string? Message { get; set; }

    public string? Status { get; set; }

    public List<GeminiErrorDetail>? Details { get; set; }
}

/// <summary>One entry of <c>details</c>; the fields of every detail type this adapter reads, flattened.</summary>
internal sealed class GeminiErrorDetail
{
    [JsonPropertyName("@type")]
    public string? Type { get; set; }

    /// <summary><c>google.rpc.RetryInfo</c>: a duration such as <c>"2s"</c>.</summary>
    public string? RetryDelay { get; set; }

    /// <summary><c>google.rpc.ErrorInfo</c>: for example <c>API_KEY_INVALID</c>.</summary>
    public string? Reason { get; set; }

    /// <summary><c>google.rpc.QuotaFailure</c>.</summary>
    public List<GeminiQuotaViolation>? Violations { get; set; }
}

internal sealed class GeminiQuotaViolation
{
    public string? QuotaId { get; set; }
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    PropertyNameCaseInsensitive = false)]
[JsonSerializable(typeof(GenerateContentRequest))]
[JsonSerializable(typeof(GenerateContentResponse))]
[JsonSerializable(typeof(GeminiErrorEnvelope))]
[JsonSerializable(typeof(List<GeminiErrorEnvelope>))]
internal sealed partial class GeminiJsonContext : JsonSerializerContext;
