using Microsoft.Extensions.AI;

namespace LlmFallback;

/// <summary>
/// Splits a conversation into its system messages and its turns: a turn starts at a user message and holds the
/// assistant's answer, its tool calls and their results, so cutting between turns never separates a tool call from
/// its result and always leaves the kept conversation starting with a user message.
/// </summary>
internal static class ChatTurns
{
    /// <summary>The index of the first message of the turn that holds <paramref name="index"/> (or the first non-system message).</summary>
    public static int TurnStart(IReadOnlyList<ChatMessage> messages, int index)
    {
        for (var i = index; i >= 0; i--)
        {
            if (messages[i].Role == ChatRole.User)
            {
                return i;
            }
        }

        return FirstNonSystem(messages);
    }

    public static int FirstNonSystem(IReadOnlyList<ChatMessage> messages)
    {
        for (var i = 0; i < messages.Count; i++)
        {
            if (messages[i].Role != ChatRole.System)
            {
                return i;
            }
        }

        return messages.Count;
    }

    /// <summary>The system messages before <paramref name="start"/>, then every message from <paramref name="start"/> on.</summary>
    public static List<ChatMessage> Keep(IReadOnlyList<ChatMessage> messages, int start)
    {
        var kept = new List<ChatMessage>(messages.Count - start + 2);
        for (var i = 0; i < start; i++)
        {
            if (messages[i].Role == ChatRole.System)
            {
                kept.Add(messages[i]);
            }
        }

        for (var i = start; i < messages.Count; i++)
        {
            kept.Add(messages[i]);
        }

        return kept;
    }

    public static IReadOnlyList<ChatMessage> AsList(IEnumerable<ChatMessage> messages) =>
        messages as IReadOnlyList<ChatMessage> ?? new List<ChatMessage>(messages);
}
