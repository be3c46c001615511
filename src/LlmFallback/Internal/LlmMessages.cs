using Microsoft.Extensions.AI;

namespace LlmFallback;

/// <summary>The one check every stage makes of the conversation it is given.</summary>
internal static class LlmMessages
{
    /// <summary>
    /// A caller's mistake is never a provider's failure, nor anything a stage counts or charges: an empty conversation or a
    /// missing message is rejected with an <see cref="ArgumentException"/> naming <c>messages</c>, at the first stage
    /// that sees it, before anything is called, reserved or cached.
    /// </summary>
    /// <returns>The messages as a list, so a lazy sequence is enumerated once here and never re-run by a later stage or attempt.</returns>
    public static IReadOnlyList<ChatMessage> Validate(IEnumerable<ChatMessage> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var list = messages as IReadOnlyList<ChatMessage> ?? [.. messages];
        if (list.Count == 0)
        {
            throw new ArgumentException("The conversation is empty: pass at least one message.", nameof(messages));
        }

        for (var i = 0; i < list.Count; i++)
        {
            if (list[i] is null)
            {
                throw new ArgumentException($"Message {i} of the conversation is null.", nameof(messages));
            }
        }

        return list;
    }
}
