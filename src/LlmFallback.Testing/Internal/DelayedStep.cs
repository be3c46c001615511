using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace LlmFallback.Testing.Internal;

/// <summary>Waits, then does what the inner step does.</summary>
internal sealed class DelayedStep(ScriptStep inner, TimeSpan delay) : ScriptStep
{
    internal override async Task<ChatResponse> RespondAsync(StepContext context, CancellationToken cancellationToken)
    {
        await ScriptTime.WaitAsync(context.Time, delay, cancellationToken).ConfigureAwait(false);
        return await inner.RespondAsync(context, cancellationToken).ConfigureAwait(false);
    }

    internal override async IAsyncEnumerable<ChatResponseUpdate> StreamAsync(StepContext context, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await ScriptTime.WaitAsync(context.Time, delay, cancellationToken).ConfigureAwait(false);
        await foreach (var update in inner.StreamAsync(context, cancellationToken).ConfigureAwait(false))
        {
            yield return update;
        }
    }
}
