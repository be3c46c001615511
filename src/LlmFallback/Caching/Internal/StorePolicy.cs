using Microsoft.Extensions.AI;

namespace LlmFallback;

/// <summary>What is never cached. Each rule returns the reason used in logs and in the <c>llmfallback.cache.stores</c> metric.</summary>
internal static class StorePolicy
{
    public static string? Reject(ChatResponse response, bool cacheToolCalls)
    {
        if (response.FinishReason == ChatFinishReason.ContentFilter)
        {
            return "content_filter";
        }

        if (response.FinishReason == ChatFinishReason.Length)
        {
            return "truncated";
        }

        if (LlmCacheResponseExtensions.IsMarked(response.AdditionalProperties))
        {
            return "marked";
        }

        var empty = true;
        foreach (var message in response.Messages)
        {
            if (LlmCacheResponseExtensions.IsMarked(message.AdditionalProperties))
            {
                return "marked";
            }

            foreach (var content in message.Contents)
            {
                switch (content)
                {
                    case ErrorContent:
                        return "error";
                    case ToolCallContent or ToolApprovalRequestContent or InputRequestContent when !cacheToolCalls:
                        return "tool_calls";
                    case TextContent { Text.Length: 0 }:
                        break;
                    default:
                        empty = false;
                        break;
                }
            }
        }

        return empty ? "empty" : null;
    }

    /// <summary>The rules for a stream, checked on its updates before they are joined into one answer.</summary>
    public static string? RejectStream(List<ChatResponseUpdate> updates)
    {
        var finished = false;
        foreach (var update in updates)
        {
            finished |= update.FinishReason is not null;
            if (LlmCacheResponseExtensions.IsMarked(update.AdditionalProperties))
            {
                return "marked";
            }
        }

        return finished ? null : "incomplete";
    }
}
