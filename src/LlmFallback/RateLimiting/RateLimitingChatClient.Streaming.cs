using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace LlmFallback;

public sealed partial class RateLimitingChatClient
{
    /// <inheritdoc />
    public override IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        messages = LlmMessages.Validate(messages);
        return Stream(messages, options, cancellationToken);
    }

    private async IAsyncEnumerable<ChatResponseUpdate> Stream(IEnumerable<ChatMessage> messages, ChatOptions? options, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var admission = await AdmitAsync(messages, options, cancellationToken).ConfigureAwait(false);
        // A failed stream gives its tokens back; a stream the caller left keeps the estimate.
        var updates = admission is not { HasTokenRules: true }
            ? base.GetStreamingResponseAsync(messages, options, cancellationToken)
            : ObservedStream.Observe(
                () => base.GetStreamingResponseAsync(messages, options, cancellationToken),
                null,
                o => SettleAsync(admission, o.Outcome == StreamOutcome.Failed ? 0 : ActualTokens(o.Info, o.Usage) ?? admission.Tokens),
                cancellationToken);

        await foreach (var update in updates.ConfigureAwait(false))
        {
            yield return update;
        }
    }
}
