using System.Text.Json;
using System.Text.Json.Serialization;

namespace LlmFallback.Gemini;

// The Gemini REST wire format (generateContent / streamGenerateContent), only the fields this adapter reads or
// writes. Unknown response fields are ignored, so new API fields never break parsing. Requests are in
// GeminiWireRequest.cs, responses and errors in GeminiWireResponse.cs.

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

    /// <summary>A name for media inside a function response, which its <c>response</c> may refer to.</summary>
    public string? DisplayName { get; set; }
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

    /// <summary>Media the function returned (multimodal function responses): images, documents.</summary>
    public List<GeminiFunctionResponsePart>? Parts { get; set; }
}

/// <summary>One medium of a function response.</summary>
internal sealed class GeminiFunctionResponsePart
{
    public GeminiBlob? InlineData { get; set; }
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
