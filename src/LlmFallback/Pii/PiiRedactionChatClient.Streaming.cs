using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace LlmFallback;

/// <content>Streaming: the request is rewritten before the call; placeholders in the answer are restored as it arrives.</content>
public sealed partial class PiiRedactionChatClient
{
    /// <inheritdoc/>
    public override IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        messages = LlmMessages.Validate(messages);
        var redacted = RewriteInput(messages, options, out var state);
        return state is null && !_options.ApplyToOutput
            ? base.GetStreamingResponseAsync(messages, options, cancellationToken)
            : StreamAsync(redacted, options, state, cancellationToken);
    }

    private async IAsyncEnumerable<ChatResponseUpdate> StreamAsync(IEnumerable<ChatMessage> messages, ChatOptions? options, PiiRequestState? state, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var safety = default(StreamSafety);
        if (state is { Counts.Count: > 0 })
        {
            await ReportAsync(state, LlmContentSide.Input, options).ConfigureAwait(false);
            AddCounts(safety.Report, state, LlmContentSide.Input);
        }

        var output = state?.Map is { Count: > 0 } || _options.ApplyToOutput ? new OutputText(this, state) : null;
        ChatResponseUpdate? last = null;
        string? conversationId = options?.ConversationId;
        await foreach (var update in base.GetStreamingResponseAsync(messages, options, cancellationToken).ConfigureAwait(false))
        {
            safety.Observe(update);
            last = update;
            conversationId ??= update.ConversationId;
            if (output is not null)
            {
                output.Rewrite(update);

                // A rejected value ends the stream at once (audited first); everything else is audited once, at the end.
                if (output.State is { Rejected.Count: > 0 } rejected)
                {
                    await ReportAsync(rejected, LlmContentSide.Output, options).ConfigureAwait(false);
                }
            }

            yield return update;
        }

        if (output is not null)
        {
            var tail = output.Flush();
            if (output.State is { } outputState && HasSide(outputState, LlmContentSide.Output))
            {
                await ReportAsync(outputState, LlmContentSide.Output, options).ConfigureAwait(false);
            }

            if (tail.Length > 0)
            {
                yield return new ChatResponseUpdate(ChatRole.Assistant, tail) { MessageId = last?.MessageId, ResponseId = last?.ResponseId };
            }

            if (output.State is { } final)
            {
                Remember(conversationId, final);
                if (HasSide(final, LlmContentSide.Output))
                {
                    AddCounts(safety.Report, final, LlmContentSide.Output);
                }
            }
        }

        if (safety.TrailingUpdate(last?.ResponseId) is { } trailing)
        {
            yield return trailing;
        }
    }

    private static void AddCounts(LlmSafetyReport report, PiiRequestState state, LlmContentSide side)
    {
        foreach (var ((type, action, s), count) in state.Counts)
        {
            if (s == side)
            {
                report.AddPii(type, action, s, count);
            }
        }
    }
}
