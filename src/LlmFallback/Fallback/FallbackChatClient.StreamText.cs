using Microsoft.Extensions.AI;

namespace LlmFallback;

public sealed partial class FallbackChatClient
{
    /// <summary>
    /// Reads one update of the attempt in progress: its finish reason, whether it is the first output (the upstream
    /// accepted the call: its slow-start slot widens the ramp), how much first-token time is left, and the message and
    /// response identity the caller already has.
    /// </summary>
    private ChatResponseUpdate Observe(StreamRequest request, ChatResponseUpdate update, LlmProvider provider, long waitStart)
    {
        if (update.FinishReason is { } reason)
        {
            request.Finished = true;
            request.FinishReason = reason;
        }

        if (!request.Producing)
        {
            if (request.Finished || HasOutput(update))
            {
                request.Producing = true;
                provider.Accept(ref request.Permit);
                RecordFirstToken(provider, request.AttemptStart);
            }
            else if (request.FirstTokenLeft != Timeout.InfiniteTimeSpan)
            {
                // Still no output: the time this wait took comes off the first-token budget (only waits on the
                // provider count, not the time the caller held the previous update).
                var left = request.FirstTokenLeft - _time.GetElapsedTime(waitStart);
                request.FirstTokenLeft = left > TimeSpan.Zero ? left : TimeSpan.Zero;
            }
        }

        update.ModelId ??= provider.Model;
        if (request.FirstYielded is { } first)
        {
            // Whatever follows output the caller already has (a continuation, or a clean restart after only empty
            // updates were committed) is the same answer: keep the message and response identity the caller already
            // has, so ToChatResponse() joins it into one message.
            update.MessageId = first.MessageId;
            update.ResponseId = first.ResponseId ?? update.ResponseId;
        }

        request.Last = update;
        return update;
    }

    /// <summary>Moves the attempt's deadline before waiting for the next update: first token, idle gap, or completion grace.</summary>
    private static void MoveDeadline(StreamRequest request, AttemptTimer timer, FallbackPlan plan)
    {
        if (request.First)
        {
            // The first-token deadline was armed when the attempt started.
            request.First = false;
        }
        else if (request.Finished)
        {
            timer.Move(plan.Streaming.CompletionGracePeriod, AttemptDeadline.Completion);
        }
        else if (request.Producing)
        {
            timer.Move(plan.IdleTimeouts[request.ProviderIndex], AttemptDeadline.Idle);
        }
        else
        {
            // Content-less updates (a role-only delta, filter results) are not the first token: the first-token
            // deadline keeps running, for the time spent waiting on the provider only.
            timer.Move(request.FirstTokenLeft, AttemptDeadline.FirstToken);
        }
    }

    private bool ShouldCommit(StreamingFallbackOptions streaming, int heldChars, long firstUpdateAt)
    {
        if (streaming.HoldbackUntilComplete)
        {
            return false;
        }

        if (streaming.HoldbackCharacters > 0 && heldChars >= streaming.HoldbackCharacters)
        {
            return true;
        }

        return streaming.HoldbackDuration > TimeSpan.Zero && _clock.ElapsedSince(firstUpdateAt) >= streaming.HoldbackDuration;
    }

    /// <summary>Whether an update is a stream's first token: output, or a finish reason (an empty answer).</summary>
    private static bool IsFirstToken(ChatResponseUpdate update) => update.FinishReason is not null || HasOutput(update);

    /// <summary>Whether an update carries output (text, a tool call, reasoning...), as opposed to only a role, empty text or usage.</summary>
    private static bool HasOutput(ChatResponseUpdate update)
    {
        var contents = update.Contents;
        for (var i = 0; i < contents.Count; i++)
        {
            switch (contents[i])
            {
                case TextContent t when string.IsNullOrEmpty(t.Text):
                case UsageContent:
                    break;
                default:
                    return true;
            }
        }

        return false;
    }

    private static int TextLength(ChatResponseUpdate update)
    {
        var length = 0;
        var contents = update.Contents;
        for (var i = 0; i < contents.Count; i++)
        {
            if (contents[i] is TextContent { Text: { } s })
            {
                length += s.Length;
            }
        }

        return length;
    }

    /// <summary>The conversation plus the partial answer as a trailing assistant message, for a provider to continue.</summary>
    private static List<ChatMessage> WithPrefill(IEnumerable<ChatMessage> messages, string partial)
    {
        var list = new List<ChatMessage>(messages);
        if (list.Count > 0 && list[^1] is { } lastMessage && lastMessage.Role == ChatRole.Assistant && OnlyText(lastMessage))
        {
            // The caller already supplied a prefill: the partial answer extends it.
            list[^1] = new ChatMessage(ChatRole.Assistant, lastMessage.Text + partial);
        }
        else
        {
            list.Add(new ChatMessage(ChatRole.Assistant, partial));
        }

        return list;
    }

    private static bool OnlyText(ChatMessage message)
    {
        foreach (var c in message.Contents)
        {
            if (c is not TextContent)
            {
                return false;
            }
        }

        return true;
    }

    private static LlmPartialResponseException Partial(StreamRequest request)
    {
        RecordRequestMetrics(null, request.FallbackReason is not null, success: false);
        var provider = request.LastProvider?.Name ?? request.Plan.Providers[0].Name;
        var failure = request.LastFailure ?? new LlmFailure(LlmFailureKind.Transport, errorCode: "stream_incomplete");
        return new LlmPartialResponseException(provider, failure, request.CommittedChars, request.Attempts);
    }
}
