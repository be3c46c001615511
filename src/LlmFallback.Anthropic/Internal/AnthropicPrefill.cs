using Microsoft.Extensions.AI;

namespace LlmFallback.Anthropic;

/// <summary>
/// Makes a trailing assistant message (a prefill, such as the partial answer of a rescued stream) acceptable to the
/// Messages API, which rejects a final assistant turn that ends in whitespace, without the caller losing or doubling
/// text: the whitespace is trimmed from the request, and the same whitespace, when the model repeats it at the start
/// of its continuation, is removed from the answer (the caller already has it).
/// </summary>
internal static class AnthropicPrefill
{
    /// <summary>Returns the messages with trailing whitespace removed from a final assistant message, and that whitespace.</summary>
    /// <returns>The messages to send; the same instance when nothing needed trimming.</returns>
    public static IList<ChatMessage> TrimTrailingWhitespace(IEnumerable<ChatMessage> messages, out string? trimmed)
    {
        trimmed = null;
        var list = messages as IList<ChatMessage> ?? [.. messages];
        if (list.Count == 0 || list[list.Count - 1] is not { } last || last.Role != ChatRole.Assistant)
        {
            return list;
        }

        var contents = last.Contents;
        var keep = contents.Count;
        string suffix = string.Empty;
        string? cut = null;
        while (keep > 0 && contents[keep - 1] is TextContent text)
        {
            var value = text.Text ?? string.Empty;
            var end = value.Length;
            while (end > 0 && char.IsWhiteSpace(value[end - 1]))
            {
                end--;
            }

            suffix = string.Concat(value.AsSpan(end), suffix);
            if (end > 0)
            {
                cut = value[..end];
                break;
            }

            keep--;
        }

        if (suffix.Length == 0)
        {
            return list;
        }

        trimmed = suffix;
        var copy = new List<ChatMessage>(list.Count);
        for (var i = 0; i < list.Count - 1; i++)
        {
            copy.Add(list[i]);
        }

        if (cut is null && keep == 0)
        {
            // Only whitespace was prefilled: the model starts its answer afresh.
            return copy;
        }

        var kept = new List<AIContent>(keep);
        for (var i = 0; i < keep; i++)
        {
            kept.Add(contents[i]);
        }

        if (cut is not null)
        {
            kept[^1] = new TextContent(cut);
        }

        copy.Add(new ChatMessage(ChatRole.Assistant, kept) { AuthorName = last.AuthorName, MessageId = last.MessageId });
        return copy;
    }
}
