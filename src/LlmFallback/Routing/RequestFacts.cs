using System.Buffers;
using Microsoft.Extensions.AI;

namespace LlmFallback;

/// <summary>What rules and the heuristic classifier read from a request, gathered in one pass without allocating.</summary>
internal readonly struct RequestFacts
{
    public RequestFacts(IReadOnlyList<ChatMessage> messages, ChatOptions? options)
    {
        Properties = options?.AdditionalProperties;
        HasTools = options?.Tools is { Count: > 0 };
        var images = false;
        ChatMessage? lastUser = null;
        for (var m = 0; m < messages.Count; m++)
        {
            var message = messages[m];
            if (message.Role == ChatRole.User)
            {
                lastUser = message;
            }

            var contents = message.Contents;
            for (var i = 0; i < contents.Count && !images; i++)
            {
                images = contents[i] is DataContent d ? d.HasTopLevelMediaType("image") : contents[i] is UriContent u && u.HasTopLevelMediaType("image");
            }
        }

        HasImages = images;
        LastUser = lastUser;
        Turns = messages.Count;
    }

    public AdditionalPropertiesDictionary? Properties { get; }

    public bool HasTools { get; }

    public bool HasImages { get; }

    public int Turns { get; }

    /// <summary>Gets the last user message, whose text keywords and the classifier read.</summary>
    public ChatMessage? LastUser { get; }

    /// <summary>Gets the contents of the last user message (its texts are searched one by one, never joined).</summary>
    public IList<AIContent>? LastUserText => LastUser?.Contents;

    /// <summary>Whether any text content holds one of the words.</summary>
    public static bool Contains(IList<AIContent> contents, SearchValues<string> words)
    {
        for (var i = 0; i < contents.Count; i++)
        {
            if (contents[i] is TextContent { Text: { } text } && text.AsSpan().IndexOfAny(words) >= 0)
            {
                return true;
            }
        }

        return false;
    }
}
