using Microsoft.Extensions.AI;

namespace LlmFallback.Testing.Internal;

/// <summary>
/// Down for a period, then up for a period, repeating, measured from the client's creation on its clock. The phase is
/// chosen when the call arrives.
/// </summary>
internal sealed class FlapStep(ScriptStep down, TimeSpan downFor, ScriptStep up, TimeSpan upFor) : ScriptStep
{
    internal override Task<ChatResponse> RespondAsync(StepContext context, CancellationToken cancellationToken) =>
        Pick(context).RespondAsync(context, cancellationToken);

    internal override IAsyncEnumerable<ChatResponseUpdate> StreamAsync(StepContext context, CancellationToken cancellationToken) =>
        Pick(context).StreamAsync(context, cancellationToken);

    private ScriptStep Pick(StepContext context) =>
        context.SinceStart.Ticks % (downFor.Ticks + upFor.Ticks) < downFor.Ticks ? down : up;
}
