using Microsoft.Extensions.AI;

namespace LlmFallback.Testing.Internal;

/// <summary>An inner step that serves several consecutive calls of a sequence (or all remaining ones).</summary>
internal sealed class RepeatedStep(ScriptStep inner, long? repeats) : ScriptStep
{
    internal override long? Repeats => repeats;

    private protected override ScriptStep Unrepeated => inner;

    private protected override ScriptStep WithDelay(TimeSpan delay) => new RepeatedStep(inner.Delayed(delay), repeats);

    internal override Task<ChatResponse> RespondAsync(StepContext context, CancellationToken cancellationToken) =>
        inner.RespondAsync(context, cancellationToken);

    internal override IAsyncEnumerable<ChatResponseUpdate> StreamAsync(StepContext context, CancellationToken cancellationToken) =>
        inner.StreamAsync(context, cancellationToken);
}
