using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace LlmFallback;

/// <content>Streaming: hits are replayed as a stream; a miss is stored only after the caller has read it to its end.</content>
public sealed partial class LlmCachingChatClient
{
    /// <inheritdoc/>
    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        messages = LlmMessages.Validate(messages);
        var lookup = await LookupAsync(messages, options, cancellationToken).ConfigureAwait(false);
        if (lookup.Hit is { } hit)
        {
            foreach (var update in Replay(hit))
            {
                yield return update;
            }

            yield break;
        }

        if (lookup.Bypass)
        {
            await foreach (var update in base.GetStreamingResponseAsync(messages, options, cancellationToken).ConfigureAwait(false))
            {
                yield return update;
            }

            yield break;
        }

        var updates = lookup.NoStore ? null : new List<ChatResponseUpdate>();
        var contents = lookup.NoStore ? null : new List<List<AIContent>>();
        CachedChatEntry? stored = null;
        var handedOut = false;
        try
        {
            await foreach (var update in base.GetStreamingResponseAsync(messages, options, cancellationToken).ConfigureAwait(false))
            {
                updates?.Add(update);
                contents?.Add(ResponseCopy.Contents(update.Contents));
                handedOut = true;
                yield return update;
                handedOut = false;
            }

            // Reached only when the caller asked for more after the last update: a caller (or an outer stage such as
            // moderation) that stops early, or marks an update, keeps the stream out of the cache.
            if (updates is not null)
            {
                stored = await StoreStreamAsync(lookup, options, updates, contents!).ConfigureAwait(false);
            }
        }
        finally
        {
            // Ended while the caller held an update: it stopped reading, so nothing is known about the answer.
            EndFlight(lookup.Flight, stored, cancellationToken, stoppedReading: handedOut);
        }
    }

    /// <summary>Stores a stream: markers and call info are read from the updates as the caller left them, the contents as they passed.</summary>
    private async ValueTask<CachedChatEntry?> StoreStreamAsync(Lookup lookup, ChatOptions? options, List<ChatResponseUpdate> updates, List<List<AIContent>> contents)
    {
        if (StorePolicy.RejectStream(updates) is { } reason)
        {
            CacheMetrics.Store(reason);
            CacheLog.NotStored(_cache.Logger, reason);
            return null;
        }

        LlmCallInfo? info = null;
        for (var i = updates.Count - 1; i >= 0 && info is null; i--)
        {
            info = updates[i].GetLlmCallInfo();
        }

        var passed = new List<ChatResponseUpdate>(updates.Count);
        for (var i = 0; i < updates.Count; i++)
        {
            var copy = updates[i].Clone();
            copy.Contents = contents[i];
            passed.Add(copy);
        }

        return await StoreAsync(lookup, options, passed.ToChatResponse(), info, updates[^1]).ConfigureAwait(false);
    }

    /// <summary>One update per message; the last carries the finish reason, the usage and the call info.</summary>
    private static List<ChatResponseUpdate> Replay(ChatResponse response)
    {
        var messages = response.Messages;
        var updates = new List<ChatResponseUpdate>(Math.Max(1, messages.Count));
        foreach (var message in messages)
        {
            updates.Add(new ChatResponseUpdate(message.Role, [.. message.Contents])
            {
                AuthorName = message.AuthorName,
                MessageId = message.MessageId,
                ResponseId = response.ResponseId,
                ConversationId = response.ConversationId,
                ModelId = response.ModelId,
                CreatedAt = message.CreatedAt ?? response.CreatedAt,
                AdditionalProperties = message.AdditionalProperties,
            });
        }

        if (updates.Count == 0)
        {
            updates.Add(new ChatResponseUpdate { ResponseId = response.ResponseId, ModelId = response.ModelId });
        }

        var last = updates[^1];
        last.FinishReason = response.FinishReason;
        if (response.Usage is { } usage)
        {
            last.Contents.Add(new UsageContent(usage));
        }

        if (response.AdditionalProperties is { } properties)
        {
            last.AdditionalProperties ??= [];
            foreach (var (key, value) in properties)
            {
                last.AdditionalProperties[key] = value;
            }
        }

        return updates;
    }
}
