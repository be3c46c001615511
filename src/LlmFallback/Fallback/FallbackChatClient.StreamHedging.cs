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
    /// returned to the loop unjudged (its error, or that it ended), like any attempt. The stream the loop goes on with
    /// is left in <see cref="FallbackRequest.Hedge"/> (with what it read, or its failure); its provider is returned.
    /// </summary>
    private async ValueTask<LlmProvider?> RaceFirstTokenAsync(
        StreamRequest request, HedgeLeg current, IEnumerable<ChatMessage> messages, ChatOptions? options, HedgePlan hedging, CancellationToken cancellationToken)
    {
        var state = request.Hedge ??= new HedgeState();
        state.Reset();
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

                    (state.Leg, state.Replay) = (current, current.Buffer);
                    return current.Provider;
                }

                if (other is null || cancellationToken.IsCancellationRequested)
                {
                    if (other is not null)
                    {
                        AbandonStream(request, other, lost: false);
                        other = null;
                    }

                    (state.Leg, state.Replay, state.Error, state.Ended) = (current, current.Buffer, error, error is null);
                    return current.Provider;
                }

                // This stream failed before its first token while the other still runs: judged here, once.
                var failure = error is null ? new LlmFailure(LlmFailureKind.Transport, errorCode: "stream_incomplete")
                    : current.Timer?.TimedOut == true ? new LlmFailure(LlmFailureKind.Timeout, errorCode: "first_token_timeout", exception: LlmSecrets.ScrubIfNeeded(error))
                    : current.Provider.Classify(error);
                NoteFirstTokenTimeout(request.Plan, current.Provider, failure, request.ProviderIndex);
                var end = _clock.Now;
                var (decision, _, verdict) = Decide(request, current.Provider, failure, end, canRetry: false);
                if (decision == LlmAttemptDecision.Surfaced)
                {
                    AbandonStream(request, other, lost: false);
                    other = null;
                    Settle(request, current.Provider, failure, decision, verdict, end);
                    (state.Leg, state.Surfaced) = (current, failure);
                    return current.Provider;
                }

                Settle(request, current.Provider, failure, decision, verdict, end);
                await CloseAsync(current).ConfigureAwait(false);
                other.Resume(request);
                (current, other) = (other, null);
            }
        }
        finally
        {
            // The stream the loop goes on with, also after an unexpected throw: the loop disposes it and releases its timer.
            state.Leg = current;
            await stop.CancelAsync().ConfigureAwait(false);
            if (other is not null)
            {
                // Only an unexpected throw leaves a parked stream: it is given back.
                AbandonStream(request, other, lost: false);
            }
        }
    }
}
