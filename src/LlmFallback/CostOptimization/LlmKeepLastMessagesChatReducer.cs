using Microsoft.Extensions.AI;

namespace LlmFallback;

/// <summary>
/// Keeps every system message and the last <see cref="MessageCount"/> other messages, extended back to the start of
/// their turn (the user message), so a tool result is never kept without its call and the kept conversation starts
/// with a user message. A conversation already short enough is returned as it is.
/// </summary>
public sealed class LlmKeepLastMessagesChatReducer : IChatReducer
{
    /// <summary>Initializes a new instance of the <see cref="LlmKeepLastMessagesChatReducer"/> class.</summary>
    /// <param name="messageCount">The non-system messages to keep, at least.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="messageCount"/> is less than 1.</exception>
    public LlmKeepLastMessagesChatReducer(int messageCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(messageCount, 1);
        MessageCount = messageCount;
    }

    /// <summary>Gets the non-system messages kept, at least.</summary>
    public int MessageCount { get; }

    /// <inheritdoc />
    public Task<IEnumerable<ChatMessage>> ReduceAsync(IEnumerable<ChatMessage> messages, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var list = ChatTurns.AsList(messages);
        var seen = 0;
        for (var i = list.Count - 1; i >= 0; i--)
        {
            if (list[i].Role != ChatRole.System && ++seen == MessageCount)
            {
                var start = ChatTurns.TurnStart(list, i);
                return Task.FromResult<IEnumerable<ChatMessage>>(start <= ChatTurns.FirstNonSystem(list) ? list : ChatTurns.Keep(list, start));
            }
        }

        return Task.FromResult<IEnumerable<ChatMessage>>(list);
    }
}
