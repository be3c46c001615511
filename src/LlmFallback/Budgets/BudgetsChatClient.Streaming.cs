using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace LlmFallback;

public sealed partial class BudgetsChatClient
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
        var updates = admission is null
            ? base.GetStreamingResponseAsync(messages, options, cancellationToken)
            : ObservedStream.Observe(
                () => base.GetStreamingResponseAsync(messages, admission.Options, cancellationToken),
                info => Annotate(info, admission),
                o => SettleAsync(admission, Delta(admission, o)),
                cancellationToken);

        await foreach (var update in updates.ConfigureAwait(false))
        {
            yield return update;
        }
    }

    /// <summary>
    /// Completed: the actual cost replaces the estimate. Failed: nothing is billed. Abandoned by the caller mid-stream:
    /// the provider billed an unknown part, so the estimate stays charged.
    /// </summary>
    private decimal Delta(BudgetAdmission admission, StreamObservation stream) => stream.Outcome switch
    {
        StreamOutcome.Completed => (ActualCost(stream.Info, stream.Usage, stream.ModelId) ?? admission.Reserved) - admission.Reserved,
        StreamOutcome.Failed => -admission.Reserved,
        _ => 0m,
    };
}
