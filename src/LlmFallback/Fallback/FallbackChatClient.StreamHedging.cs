using Microsoft.Extensions.AI;

namespace LlmFallback;

public sealed partial class FallbackChatClient
{
    /// <summary>
    /// Reads a stream up to its first token as one composite attempt: if none came after the hedge delay (the
    /// provider's recent time-to-first-token percentile, when adaptive), the same request is also streamed from the
    /// next provider of the plan that grants a permit and the budget allows; the first stream to produce its first token
    /// wins, with the updates it read so far, and the other is cancelled and its permit given back without a verdict. A
    /// stream that fails while the other still runs is classified, decided and settled here, once; the last one left is
    /// returned to the loop unjudged (its error, or that it ended), like any attempt.
    /// </summary>
    private async Task<StreamRace> RaceFirstTokenAsync(
        StreamRequest request, HedgeLeg current, IEnumerable<ChatMessage> messages, ChatOptions? options, HedgePlan hedging, CancellationToken cancellationToken)
    {
        HedgeLeg? other = null;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Task? delay = Task.Delay(hedging.DelayFor(current.Provider, streaming: true), _time, stop.Token);
        try
        {
            current.Move = Read(current);
            while (true)
            {
                var done = other is not null ? await Task.WhenAny(current.Move!, other.Move!).ConfigureAwait(false)
                    : delay is not null ? await Task.WhenAny(current.Move!, delay).ConfigureAwait(false)
                    : current.Move!;
                if (ReferenceEquals(done, delay))
                {
                    delay = null;
                    if (!cancellationToken.IsCancellationRequested && TryStartHedge(request, hedging) is { } hedge)
                    {
                        StartHedgeStream(request, hedge, messages, options, cancellationToken);
                        other = hedge;
                    }

                    continue;
                }

                if (other is not null && !ReferenceEquals(done, current.Move))
                {
                    current.Park(request);
                    other.Resume(request);
                    (current, other) = (other, current);
                }

                Exception? error = null;
                var read = false;
                try
                {
                    read = await current.Move!.ConfigureAwait(false);
                }
#pragma warning disable CA1031 // Every failure is classified; none escapes unexamined.
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    error = ex;
                }

                if (read)
                {
                    var update = current.Stream!.Current;
                    (current.Buffer ??= new(4)).Add(update);
                    if (!IsFirstToken(update))
                    {
                        current.Move = Read(current);
                        continue;
                    }

                    // The first token: this stream wins.
                    if (other is not null)
                    {
                        AbandonStream(request, other, lost: true);
                        other = null;
                    }

                    return new StreamRace(current, null, false, null);
                }

                if (other is null || cancellationToken.IsCancellationRequested)
                {
                    if (other is not null)
                    {
                        AbandonStream(request, other, lost: false);
                        other = null;
                    }

                    return new StreamRace(current, error, error is null, null);
                }

                // This stream failed before its first token while the other still runs: judged here, once.
                var failure = error is null ? new LlmFailure(LlmFailureKind.Transport, errorCode: "stream_incomplete")
                    : current.Timer?.TimedOut == true ? new LlmFailure(LlmFailureKind.Timeout, errorCode: "first_token_timeout", exception: error)
                    : current.Provider.Classify(error);
                NoteFirstTokenTimeout(request.Plan, current.Provider, failure, current.FirstTokenLimit);
                var end = _clock.Now;
                var (decision, _, verdict) = Decide(request, current.Provider, failure, end, canRetry: false);
                if (decision == LlmAttemptDecision.Surfaced)
                {
                    AbandonStream(request, other, lost: false);
                    other = null;
                    Settle(request, current.Provider, failure, decision, verdict, end);
                    return new StreamRace(current, null, false, failure);
                }

                Settle(request, current.Provider, failure, decision, verdict, end);
                await CloseAsync(current).ConfigureAwait(false);
                other.Resume(request);
                (current, other) = (other, null);
            }
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            if (other is not null)
            {
                // Only an unexpected throw leaves a parked stream: it is given back.
                AbandonStream(request, other, lost: false);
            }
        }
    }

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

    /// <summary>The first-token limit of a call: learned from the provider's recent streams in auto mode, else (and until enough are known) the fixed value.</summary>
    private static TimeSpan FirstTokenLimit(FallbackPlan plan, LlmProvider provider, int index) =>
        plan.AutoFirstToken is { } auto ? auto.LimitFor(provider, plan.FirstTokenTimeouts[index]) : plan.FirstTokenTimeouts[index];

    /// <summary>
    /// A stream cut off at its learned first-token limit never showed its real time: in auto mode the limit itself is
    /// recorded as a sample, so a deployment that became slower raises its limit (up to the ceiling) instead of being
    /// cut off at the same point for ever.
    /// </summary>
    private static void NoteFirstTokenTimeout(FallbackPlan plan, LlmProvider provider, LlmFailure failure, TimeSpan limit)
    {
        if (plan.AutoFirstToken is not null && failure.ErrorCode == "first_token_timeout" && limit != Timeout.InfiniteTimeSpan)
        {
            provider.RecordFirstToken(limit);
        }
    }

    /// <summary>How a first-token race ended: the stream the loop goes on with (and what it read), or its failure to judge, or a failure already surfaced.</summary>
    private readonly record struct StreamRace(HedgeLeg Leg, Exception? Error, bool Ended, LlmFailure? Surfaced);
}
