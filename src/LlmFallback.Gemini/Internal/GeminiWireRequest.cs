using System.Text.Json;
using System.Text.Json.Serialization;

namespace LlmFallback.Gemini;

/// <summary>The body of <c>models/{model}:generateContent</c> and <c>:streamGenerateContent</c>.</summary>
internal sealed class GenerateContentRequest
{
    public List<GeminiContent> Contents { get; set; } = [];

    public GeminiContent? SystemInstruction { get; set; }

    public List<GeminiTool>? Tools { get; set; }

    public GeminiToolConfig? ToolConfig { get; set; }

    public List<GeminiSafetySetting>? SafetySettings { get; set; }

    public GeminiGenerationConfig? GenerationConfig { get; set; }

    /// <summary>Whether a part refers to an uploaded file: a 404 then means a missing file, not a missing model.</summary>
    [JsonIgnore]
    public bool HasFileData { get; set; }
}

/// <summary>One tool; exactly one member is set.</summary>
internal sealed class GeminiTool
{
    public List<GeminiFunctionDeclaration>? FunctionDeclarations { get; set; }

    /// <summary>Grounding with Google Search (<see cref="Microsoft.Extensions.AI.HostedWebSearchTool"/>).</summary>
    public GeminiEmpty? GoogleSearch { get; set; }

    /// <summary>Code execution (<see cref="Microsoft.Extensions.AI.HostedCodeInterpreterTool"/>).</summary>
    public GeminiEmpty? CodeExecution { get; set; }

    /// <summary>File Search over File Search stores (<see cref="Microsoft.Extensions.AI.HostedFileSearchTool"/>).</summary>
    public GeminiFileSearch? FileSearch { get; set; }
}

/// <summary>An empty JSON object, for tools that take no settings.</summary>
internal sealed class GeminiEmpty
{
    public static readonly GeminiEmpty Instance = new();
}

internal sealed class GeminiFileSearch
{
    public List<string>? FileSearchStoreNames { get; set; }
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

internal sealed class GeminiSafetySetting
{
    /// <summary>A <c>HarmCategory</c>, such as <c>HARM_CATEGORY_HARASSMENT</c>.</summary>
    public string? Category { get; set; }

    /// <summary>A <c>HarmBlockThreshold</c>, such as <c>BLOCK_ONLY_HIGH</c>.</summary>
    public string? Threshold { get; set; }
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

    /// <summary>An int32 in the API; larger values are refused before the call.</summary>
    public int? Seed { get; set; }

    public string? ResponseMimeType { get; set; }

    /// <summary>The output schema as a full JSON Schema (the alternative to the OpenAPI-subset <c>responseSchema</c>).</summary>
    public JsonElement? ResponseJsonSchema { get; set; }

    public GeminiThinkingConfig? ThinkingConfig { get; set; }
}

internal sealed class GeminiThinkingConfig
{
    public bool? IncludeThoughts { get; set; }

    /// <summary>Gemini 2.5: thinking tokens (0 turns thinking off where the model allows it).</summary>
    public int? ThinkingBudget { get; set; }

    /// <summary>Gemini 3: <c>minimal</c>, <c>low</c>, <c>medium</c> or <c>high</c>.</summary>
    public string? ThinkingLevel { get; set; }
}
