using System.Text.Json.Serialization;

namespace LlmFallback.Gemini;

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
    /// <summary>Why the prompt was refused: <c>SAFETY</c>, <c>BLOCKLIST</c>, <c>PROHIBITED_CONTENT</c>, <c>IMAGE_SAFETY</c>, <c>MODEL_ARMOR</c>, <c>OTHER</c>.</summary>
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
