using Microsoft.Extensions.AI;

namespace LlmFallback;

public sealed partial class FallbackChatClient
{
    private void StartHedgeStream(StreamRequest request, HedgeLeg hedge, IEnumerable<ChatMessage> messages, ChatOptions? options, CancellationToken cancellationToken)
    {
        hedge.FirstTokenLimit = FirstTokenLimit(request.Plan, hedge.Provider, hedge.Index);
        hedge.Timer = _timers.Rent(hedge.FirstTokenLimit, AttemptDeadline.FirstToken, cancellationToken);
        hedge.Context = hedge.Provider.HasReplicas ? new LlmAttemptContext(hedge.Timer.TimedOutGetter, hedge.Timer.Token) : null;
        try
        {
            using (LlmAttemptContext.EnterIf(hedge.Context))
            {
                hedge.Stream = hedge.Provider.Client.GetStreamingResponseAsync(messages, ForProvider(options, hedge.Provider), hedge.Timer.Token).GetAsyncEnumerator(hedge.Timer.Token);
            }

            hedge.Move = Read(hedge);
        }
#pragma warning disable CA1031 // A stream that cannot start fails like one that fails at once.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            hedge.Move = Task.FromException<bool>(ex);
        }
    }

    /// <summary>Ends a parked stream that lost (or was cancelled): settled now; its pending read and disposal finish in the background.</summary>
    private void AbandonStream(StreamRequest request, HedgeLeg leg, bool lost)
    {
        var stream = leg.Stream;
        var move = leg.Move;
        if (stream is not null && move is { IsCompletedSuccessfully: true, Result: true })
        {
            // A tie: its read completed while the other stream won; what it read (usage its provider reported) counts.
            (leg.Buffer ??= new(1)).Add(stream.Current);
        }

        AbandonLeg(request, leg, lost);
        leg.Stream = null;
        if (stream is not null)
        {
            _ = DisposeWhenIdleAsync(stream, move);
        }
    }

    /// <summary>Disposes a failed leg's stream (its read has completed) and releases its timer.</summary>
    private static async ValueTask CloseAsync(HedgeLeg leg)
    {
        if (leg.Stream is { } stream)
        {
            leg.Stream = null;
            await DisposeWhenIdleAsync(stream, null).ConfigureAwait(false);
        }

        ReleaseTimer(leg);
    }

    private static async Task DisposeWhenIdleAsync(IAsyncEnumerator<ChatResponseUpdate> stream, Task<bool>? pendingRead)
    {
#pragma warning disable CA1031 // A cancelled or failed stream's disposal changes nothing for the caller.
        try
        {
            if (pendingRead is not null)
            {
                await pendingRead.ConfigureAwait(false);
            }
        }
        catch (Exception)
        {
        }

        try
        {
            await stream.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception)
        {
        }
#pragma warning restore CA1031
    }

    private static Task<bool> Read(HedgeLeg leg)
    {
        try
        {
            using (LlmAttemptContext.EnterIf(leg.Context))
            {
                return leg.Stream!.MoveNextAsync().AsTask();
            }
        }
#pragma warning disable CA1031 // A read that throws at once fails like one that faults.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            return Task.FromException<bool>(ex);
        }
    }
}
