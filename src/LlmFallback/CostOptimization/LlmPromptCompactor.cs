using System.Text;
using Microsoft.Extensions.AI;

namespace LlmFallback;

/// <summary>
/// Removes whitespace that carries no meaning from prompt text, and system messages repeated word for word. Never
/// touches code (fenced blocks, indented lines, inline code spans), leading indentation, tool calls or tool results.
/// </summary>
internal static class LlmPromptCompactor
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

    /// <summary>Collapses runs of spaces and tabs inside lines, trailing whitespace, and runs of blank lines, outside code.</summary>
    public static string CompactText(string text)
    {
        var sb = new StringBuilder(text.Length);
        var fence = string.Empty;
        var blanks = 0;
        var wroteLine = false;
        foreach (var rawLine in text.Split('\n'))
        {
            var line = rawLine.TrimEnd('\r');
            var trimmed = line.TrimStart();
            if (fence.Length > 0 || IsFence(trimmed))
            {
                fence = NextFence(fence, trimmed);
                Append(sb, line, ref wroteLine);
                blanks = 0;
                continue;
            }

            if (trimmed.Length == 0)
            {
                blanks++;
                continue;
            }

            if (blanks > 0 && wroteLine)
            {
                sb.Append('\n');
            }

            blanks = 0;
            Append(sb, line.StartsWith("    ", StringComparison.Ordinal) || line.StartsWith('\t') ? line : CollapseInline(line), ref wroteLine);
        }

        var compacted = sb.ToString();
        return compacted.Length == text.Length && string.Equals(compacted, text, StringComparison.Ordinal) ? text : compacted;
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

    private static void Append(StringBuilder sb, string line, ref bool wroteLine)
    {
        if (wroteLine)
        {
            sb.Append('\n');
        }

        sb.Append(line);
        wroteLine = true;
    }

    private static bool IsFence(string trimmed) => trimmed.StartsWith("```", StringComparison.Ordinal) || trimmed.StartsWith("~~~", StringComparison.Ordinal);

    /// <summary>The fence open after this line: a fence opens with three or more backticks or tildes and closes with at least as many of the same.</summary>
    private static string NextFence(string open, string trimmed)
    {
        var marker = trimmed.Length > 0 ? trimmed[0] : ' ';
        var run = 0;
        while (run < trimmed.Length && trimmed[run] == marker)
        {
            run++;
        }

        if (open.Length == 0)
        {
            return trimmed[..run];
        }

        return marker == open[0] && run >= open.Length && trimmed.AsSpan(run).Trim().IsEmpty ? string.Empty : open;
    }

    /// <summary>Keeps the indentation, collapses inner runs of spaces and tabs to one space outside inline code, and drops trailing whitespace.</summary>
    private static string CollapseInline(string line)
    {
        var indent = line.Length - line.TrimStart().Length;
        var sb = new StringBuilder(line.Length);
        sb.Append(line, 0, indent);
        var i = indent;
        while (i < line.Length)
        {
            var c = line[i];
            if (c == '`')
            {
                var run = 1;
                while (i + run < line.Length && line[i + run] == '`')
                {
                    run++;
                }

                var close = line.IndexOf(new string('`', run), i + run, StringComparison.Ordinal);
                var end = close < 0 ? line.Length : close + run;
                sb.Append(line, i, end - i);
                i = end;
                continue;
            }

            if (c is ' ' or '\t')
            {
                var j = i;
                while (j < line.Length && line[j] is ' ' or '\t')
                {
                    j++;
                }

                if (j < line.Length)
                {
                    sb.Append(' ');
                }

                i = j;
                continue;
            }

            sb.Append(c);
            i++;
        }

        return sb.ToString();
    }
}
