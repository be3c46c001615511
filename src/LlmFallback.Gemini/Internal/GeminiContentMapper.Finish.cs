using Microsoft.Extensions.AI;

namespace LlmFallback.Gemini;

/// <summary>Finish reasons and usage of Gemini responses.</summary>
internal static partial class GeminiContentMapper
{
    /// <summary>
    /// Whether a finish reason means a safety or policy filter stopped the output. <c>MODEL_ARMOR</c> is not one: it is
    /// a block reason of the prompt (<c>promptFeedback.blockReason</c>), which always throws.
    /// </summary>
    public static bool IsContentFilter(string? finishReason) => finishReason is
        "SAFETY" or "RECITATION" or "BLOCKLIST" or "PROHIBITED_CONTENT" or "SPII"
        or "IMAGE_SAFETY" or "IMAGE_PROHIBITED_CONTENT" or "IMAGE_RECITATION";

    /// <summary>Maps a Gemini finish reason; <see langword="null"/> while the model has not stopped.</summary>
    public static ChatFinishReason? ToFinishReason(string? finishReason, bool hasFunctionCalls) => finishReason switch
    {
        null or "" => null,
        "STOP" => hasFunctionCalls ? ChatFinishReason.ToolCalls : ChatFinishReason.Stop,
        "MAX_TOKENS" => ChatFinishReason.Length,
        _ when IsContentFilter(finishReason) => ChatFinishReason.ContentFilter,

        // MALFORMED_FUNCTION_CALL, UNEXPECTED_TOOL_CALL, LANGUAGE, OTHER, ...: a finish, under its own name.
        _ => new ChatFinishReason(finishReason.ToLowerInvariant()),
    };

    /// <summary>
    /// Maps <c>usageMetadata</c>. Output counts the thought tokens too (they are billed as output), and input counts
    /// tool-use prompt tokens, so that input + output equals Gemini's <c>totalTokenCount</c>.
    /// </summary>
    public static UsageDetails? ToUsage(GeminiUsageMetadata? usage)
    {
        if (usage is null)
        {
            return null;
        }

        var details = new UsageDetails
        {
            InputTokenCount = Sum(usage.PromptTokenCount, usage.ToolUsePromptTokenCount),
            OutputTokenCount = Sum(usage.CandidatesTokenCount, usage.ThoughtsTokenCount),
            TotalTokenCount = usage.TotalTokenCount,
            CachedInputTokenCount = usage.CachedContentTokenCount,
            ReasoningTokenCount = usage.ThoughtsTokenCount,
        };

        if (usage.ToolUsePromptTokenCount is { } toolUse)
        {
            details.AdditionalCounts = new() { ["ToolUsePromptTokenCount"] = toolUse };
        }

        return details;
    }

    private static long? Sum(int? a, int? b) => a is null && b is null ? null : (long)(a ?? 0) + (b ?? 0);
}
