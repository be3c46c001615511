using Microsoft.Extensions.AI;

namespace LlmFallback.Testing;

/// <summary>One call a <see cref="ScriptedChatClient"/> received: what was sent, how, and when.</summary>
public sealed class ScriptedCall
{
    internal ScriptedCall(int index, IReadOnlyList<ChatMessage> messages, ChatOptions? options, bool isStreaming, DateTimeOffset arrivedAt)
    {
        Index = index;
        Messages = messages;
        Options = options;
        IsStreaming = isStreaming;
        ArrivedAt = arrivedAt;
    }

    /// <summary>Gets the call's zero-based number on its client, in order of arrival.</summary>
    public int Index { get; }

    /// <summary>Gets the messages sent, as they were when the call arrived (the list is a copy; the messages are the caller's).</summary>
    public IReadOnlyList<ChatMessage> Messages { get; }

    /// <summary>Gets a copy of the options sent, taken when the call arrived, or <see langword="null"/> if none were.</summary>
    public ChatOptions? Options { get; }

    /// <summary>Gets a value indicating whether the call was a streaming one.</summary>
    public bool IsStreaming { get; }

    /// <summary>Gets the time on the client's clock when the call arrived.</summary>
    public DateTimeOffset ArrivedAt { get; }
}
