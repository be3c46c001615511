using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace LlmFallback;

public sealed partial class BudgetsChatClient
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
        var enumerator = base.GetStreamingResponseAsync(messages, admission is null ? options : admission.Options, cancellationToken).GetAsyncEnumerator(cancellationToken);
        UsageDetails? usage = null;
        LlmCallInfo? info = null;
        string? modelId = null;
        var outcome = StreamOutcome.Abandoned;
        try
        {
            while (true)
            {
                try
                {
                    if (!await enumerator.MoveNextAsync().ConfigureAwait(false))
                    {
                        outcome = StreamOutcome.Completed;
                        break;
                    }
                }
                catch
                {
                    outcome = StreamOutcome.Failed;
                    throw;
                }

                var update = enumerator.Current;
                if (admission is not null)
                {
                    modelId = update.ModelId ?? modelId;
                    foreach (var content in update.Contents)
                    {
                        if (content is UsageContent u)
                        {
                            (usage ??= new UsageDetails()).Add(u.Details);
                        }
                    }

                    if (update.GetLlmCallInfo() is { } i)
                    {
                        info = i;
                        Annotate(info, admission);
                    }
                }

                yield return update;
            }
        }
        finally
        {
            await enumerator.DisposeAsync().ConfigureAwait(false);
            if (admission is not null)
            {
                // Completed: the actual cost replaces the estimate. Failed: nothing is billed. Abandoned by the caller
                // mid-stream: the provider billed an unknown part, so the estimate stays charged.
                var delta = outcome switch
                {
                    StreamOutcome.Completed => (ActualCost(info, usage, modelId) ?? admission.Reserved) - admission.Reserved,
                    StreamOutcome.Failed => -admission.Reserved,
                    _ => 0m,
                };
                await SettleAsync(admission, delta).ConfigureAwait(false);
            }
        }
    }

    private enum StreamOutcome
    {
        Abandoned,
        Completed,
        Failed,
    }
}
