using LlmFallback.Testing.Internal;
using Microsoft.Extensions.AI;

namespace LlmFallback.Testing;

/// <summary>
/// One scripted behaviour of a <see cref="ScriptedChatClient"/>: what a single call to the fake provider does, for both
/// <see cref="IChatClient.GetResponseAsync"/> and <see cref="IChatClient.GetStreamingResponseAsync"/>.
/// </summary>
/// <remarks>
/// Create steps with the factory methods of <see cref="Script"/>. Steps are immutable and may be shared between clients
/// and tests; the modifiers (<see cref="Delayed"/>, <see cref="Times"/>, <see cref="Forever"/>) return new steps.
/// </remarks>
public abstract class ScriptStep
{
    private protected ScriptStep()
    {
    }

    /// <summary>Gets how many calls of a sequence this step serves; <see langword="null"/> for every remaining call.</summary>
    internal virtual long? Repeats => 1;

    /// <summary>Returns a step that waits <paramref name="delay"/> on the client's clock before doing what this step does.</summary>
    /// <param name="delay">How long the provider stays silent first. For a non-streaming call the response (or error) arrives that much later; for a stream, the first update (or error) does.</param>
    /// <returns>The delayed step. Cancelling the call's token ends the wait with an <see cref="OperationCanceledException"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="delay"/> is negative (<see cref="Timeout.InfiniteTimeSpan"/> included; use <see cref="Script.Hang"/> for a provider that never answers).</exception>
    public ScriptStep Delayed(TimeSpan delay)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delay, TimeSpan.Zero);
        return WithDelay(delay);
    }

    /// <summary>Returns a step that serves the next <paramref name="count"/> calls of a sequence the same way.</summary>
    /// <param name="count">How many consecutive calls this step serves; at least 1.</param>
    /// <returns>The repeated step.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is less than 1.</exception>
    public ScriptStep Times(int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        return Repeats is { } repeats ? new RepeatedStep(Unrepeated, repeats * count) : this;
    }

    /// <summary>Returns a step that serves every remaining call of a sequence; it must be the sequence's last step.</summary>
    /// <returns>The step, repeated forever.</returns>
    public ScriptStep Forever() => Repeats is null ? this : new RepeatedStep(Unrepeated, repeats: null);

    /// <summary>Gets the step without its repeat count.</summary>
    private protected virtual ScriptStep Unrepeated => this;

    /// <summary>Wraps this step in a delay; a repeated step keeps its count outside the delay.</summary>
    private protected virtual ScriptStep WithDelay(TimeSpan delay) => new DelayedStep(this, delay);

    /// <summary>Serves a non-streaming call.</summary>
    internal abstract Task<ChatResponse> RespondAsync(StepContext context, CancellationToken cancellationToken);

    /// <summary>Serves a streaming call; by default, the non-streaming response's updates (a failure throws before the first update).</summary>
    internal virtual async IAsyncEnumerable<ChatResponseUpdate> StreamAsync(StepContext context, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var response = await RespondAsync(context, cancellationToken).ConfigureAwait(false);
        foreach (var update in response.ToChatResponseUpdates())
        {
            yield return update;
        }
    }
}
