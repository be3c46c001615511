using Microsoft.Extensions.AI;

namespace LlmFallback.Anthropic;

/// <summary>
/// With thinking on, the Messages API rejects a request that continues a tool loop whose assistant turn does not start
/// with a thinking block ("a final assistant message must start with a thinking block, preceding the lastmost set of
/// tool_use and tool_result blocks"). After a fail-over the tool call came from another provider and has no Anthropic
/// thinking, so thinking is turned off for such a request; the next user turn starts a new loop with thinking again.
/// </summary>
internal static class AnthropicThinkingGuard
{
    /// <summary>Returns options without <see cref="ChatOptions.Reasoning"/> when the request would be refused; otherwise <paramref name="options"/>.</summary>
    public static ChatOptions? Apply(IList<ChatMessage> messages, ChatOptions? options, out bool turnedOff)
    {
        turnedOff = false;
        if (options?.Reasoning is not { } reasoning || reasoning.Effort == ReasoningEffort.None || !ContinuesUnsignedToolLoop(messages))
        {
            return options;
        }

        turnedOff = true;
        var copy = options.Clone();
        copy.Reasoning = null;
        return copy;
    }

    /// <summary>Whether the request ends with tool results whose assistant turn does not start with signed thinking.</summary>
    internal static bool ContinuesUnsignedToolLoop(IList<ChatMessage> messages)
    {
        var i = messages.Count - 1;
        var results = false;
        while (i >= 0 && messages[i].Role != ChatRole.Assistant)
        {
            results |= HasResult(messages[i]);
            if (!results && messages[i].Role != ChatRole.Tool)
            {
                return false;
            }

            i--;
        }

        if (!results || i < 0)
        {
            return false;
        }

        // Consecutive assistant messages are one turn: the first of them must open with the thinking block.
        while (i > 0 && messages[i - 1].Role == ChatRole.Assistant)
        {
            i--;
        }

        return messages[i].Contents is not [TextReasoningContent { ProtectedData.Length: > 0 }, ..];
    }

    private static bool HasResult(ChatMessage message)
    {
        foreach (var content in message.Contents)
        {
            if (content is FunctionResultContent)
            {
                return true;
            }
        }

        return false;
    }
}
