using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace LlmFallback;

public sealed partial class RateLimitingChatClient
{
    /// <inheritdoc />
    public override IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        return Stream(messages, options, cancellationToken);
    }

    private async IAsyncEnumerable<ChatResponseUpdate> Stream(IEnumerable<ChatMessage> messages, ChatOptions? options, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var admission = await AdmitAsync(messages, options, cancellationToken).ConfigureAwait(false);
        var enumerator = base.GetStreamingResponseAsync(messages, options, cancellationToken).GetAsyncEnumerator(cancellationToken);
        UsageDetails? usage = null;
        LlmCallInfo? info = null;
        var failed = false;
        try
        {
            while (true)
            {
                try
                {
                    if (!await enumerator.MoveNextAsync().ConfigureAwait(false))
                    {
                        break;
                    }
                }
                catch
                {
                    failed = true;
                    throw;
                }

                var update = enumerator.Current;
                if (admission is { HasTokenRules: true })
                {
                    foreach (var content in update.Contents)
                    {
                        if (content is UsageContent u)
                        {
                            (usage ??= new UsageDetails()).Add(u.Details);
                        }
                    }

                    info = update.GetLlmCallInfo() ?? info;
                }

                yield return update;
            }
        }
        finally
        {
            await enumerator.DisposeAsync().ConfigureAwait(false);
            if (admission is not null)
            {
                // A failed stream gives its tokens back; a stream the caller left keeps the estimate.
                await SettleAsync(admission, failed ? 0 : ActualTokens(info, usage) ?? admission.Tokens).ConfigureAwait(false);
            }
        }
    }
}
