using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace LlmFallback;

/// <summary>How a stream a stage passed through ended.</summary>
internal enum StreamOutcome
{
    /// <summary>The caller stopped enumerating before the end, or cancelled after output had reached it.</summary>
    Abandoned,

    /// <summary>The stream ended normally.</summary>
    Completed,

    /// <summary>The stream threw (a provider failure, or a cancellation before any output reached the caller).</summary>
    Failed,
}

/// <summary>What a stage that settles after a call learns from a stream: its usage, its call information, and how it ended.</summary>
internal sealed class StreamObservation
{
    public UsageDetails? Usage { get; set; }

    public LlmCallInfo? Info { get; set; }

    public string? ModelId { get; set; }

    public StreamOutcome Outcome { get; set; }
}

/// <summary>Passes a stream through unchanged while observing it, and settles once it has ended in any way.</summary>
internal static class ObservedStream
{
    /// <param name="open">Starts the inner stream; called once, inside the observation, so a client that throws at the call (before returning its stream) is settled as a failure too.</param>
    /// <param name="annotate">Called with the call information before the update carrying it reaches the caller.</param>
    /// <param name="settle">Called once when the stream completed, failed or was abandoned, even when disposing the inner stream throws.</param>
    /// <param name="cancellationToken">The caller's token.</param>
    public static async IAsyncEnumerable<ChatResponseUpdate> Observe(
        Func<IAsyncEnumerable<ChatResponseUpdate>> open,
        Action<LlmCallInfo>? annotate,
        Func<StreamObservation, ValueTask> settle,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var observation = new StreamObservation();
        IAsyncEnumerator<ChatResponseUpdate>? enumerator = null;
        var delivered = false;
        try
        {
            while (true)
            {
                try
                {
                    enumerator ??= open().GetAsyncEnumerator(cancellationToken);
                    if (!await enumerator.MoveNextAsync().ConfigureAwait(false))
                    {
                        observation.Outcome = StreamOutcome.Completed;
                        break;
                    }
                }
                catch (OperationCanceledException) when (delivered && cancellationToken.IsCancellationRequested)
                {
                    // The caller gave up after output reached it: the provider billed an unknown part, as when the
                    // caller stops reading. Counting it a failure would refund a caller who cancels near every end.
                    observation.Outcome = StreamOutcome.Abandoned;
                    throw;
                }
                catch
                {
                    observation.Outcome = StreamOutcome.Failed;
                    throw;
                }

                var update = enumerator.Current;
                observation.ModelId = update.ModelId ?? observation.ModelId;
                foreach (var content in update.Contents)
                {
                    if (content is UsageContent u)
                    {
                        (observation.Usage ??= new UsageDetails()).Add(u.Details);
                    }
                }

                if (update.GetLlmCallInfo() is { } info)
                {
                    observation.Info = info;
                    annotate?.Invoke(info);
                }

                delivered = true;
                yield return update;
            }
        }
        finally
        {
            try
            {
                if (enumerator is not null)
                {
                    await enumerator.DisposeAsync().ConfigureAwait(false);
                }
            }
            finally
            {
                await settle(observation).ConfigureAwait(false);
            }
        }
    }
}
