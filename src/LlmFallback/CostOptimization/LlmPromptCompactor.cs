using System.Text;
using Microsoft.Extensions.AI;

namespace LlmFallback;

/// <summary>
/// Removes whitespace that carries no meaning from prompt text, and system messages repeated word for word. Never
/// touches code (fenced blocks, indented lines, inline code spans), leading indentation, tool calls or tool results.
/// </summary>
internal static partial class LlmPromptCompactor
{
    /// <summary>Compacts the text of system, user and assistant messages; returns <paramref name="messages"/> itself when nothing changed.</summary>
    public static IList<ChatMessage> Compact(IList<ChatMessage> messages, bool whitespace, bool duplicateSystem)
    {
        List<ChatMessage>? result = null;
        HashSet<string>? systemTexts = null;
        for (var i = 0; i < messages.Count; i++)
        {
            var message = messages[i];
            var compacted = whitespace ? CompactMessage(message) : message;
            if (duplicateSystem && compacted.Role == ChatRole.System && OnlyText(compacted))
            {
                if (!(systemTexts ??= new HashSet<string>(StringComparer.Ordinal)).Add(compacted.Text))
                {
                    result ??= Copy(messages, i);
                    continue;
                }
            }

            if (result is null && !ReferenceEquals(compacted, message))
            {
                result = Copy(messages, i);
            }

            result?.Add(compacted);
        }

        return result ?? messages;
    }

    private static ChatMessage CompactMessage(ChatMessage message)
    {
        if (message.Role == ChatRole.Tool)
        {
            return message;
        }

        List<AIContent>? contents = null;
        for (var i = 0; i < message.Contents.Count; i++)
        {
            var content = message.Contents[i];
            if (content is TextContent { Text: { Length: > 0 } text } && CompactText(text) is var compacted && !ReferenceEquals(compacted, text))
            {
                contents ??= [.. message.Contents];
                contents[i] = new TextContent(compacted) { AdditionalProperties = content.AdditionalProperties };
            }
        }

        if (contents is null)
        {
            return message;
        }

        var copy = message.Clone();
        copy.Contents = contents;
        return copy;
    }

    private static bool OnlyText(ChatMessage message)
    {
        foreach (var content in message.Contents)
        {
            if (content is not TextContent)
            {
                return false;
            }
        }

        return message.Contents.Count > 0;
    }

    private static List<ChatMessage> Copy(IList<ChatMessage> messages, int count)
    {
        var list = new List<ChatMessage>(messages.Count);
        for (var i = 0; i < count; i++)
        {
            list.Add(messages[i]);
        }

        return list;
    }
}
