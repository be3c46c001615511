using Microsoft.Extensions.AI;

namespace LlmFallback;

public sealed partial class FallbackChatClient
{
    /// <summary>
    /// Awaits a non-streaming call as one composite attempt: if it has not answered after the hedge delay, the same
    /// request is also sent to the next provider of the plan that grants a permit and the budget allows, and the first
    /// good answer wins. The other call is cancelled and its permit given back without a verdict. A call that fails
    /// while the other still runs is classified, decided and settled here, once, and the other goes on alone; the last
    /// call left is returned to the loop unclassified, like any attempt: its provider is returned, its outcome is left
    /// in <see cref="FallbackRequest.Hedge"/>.
    /// </summary>
    private async ValueTask<LlmProvider?> AwaitHedgedAsync(
        FallbackRequest request, LlmProvider provider, Task<ChatResponse> pending, AttemptTimer? timer, IEnumerable<ChatMessage> messages, ChatOptions? options, HedgePlan hedging, CancellationToken cancellationToken)
    {
        var state = request.Hedge ??= new HedgeState();
        state.Reset();
        var current = new HedgeLeg { Provider = provider, Timer = timer, Response = pending };
        HedgeLeg? other = null;
        try
        {
            if (!pending.IsCompleted)
            {
                await DelayOrCompletionAsync(pending, hedging.DelayFor(provider, streaming: false), cancellationToken).ConfigureAwait(false);
                if (!pending.IsCompleted && !cancellationToken.IsCancellationRequested && TryStartHedge(request, hedging) is { } hedge)
                {
                    hedge.Timer = _timers.Rent(request.Plan.AttemptTimeouts[hedge.Index], AttemptDeadline.Attempt, cancellationToken);
                    using (EnterAttempt(hedge.Provider, hedge.Timer, cancellationToken))
                    {
                        hedge.Response = Invoke(hedge.Provider, messages, options, hedge.Timer.Token);
                    }

                    other = hedge;
                }
            }

            while (other is not null)
            {
                var done = await Task.WhenAny(current.Response!, other.Response!).ConfigureAwait(false);
                if (!ReferenceEquals(done, current.Response))
                {
                    current.Park(request);
                    other.Resume(request);
                    (current, other) = (other, current);
                }

                var task = current.Response!;
                if ((task.IsCompletedSuccessfully && !IsFilteredForFailover(task.Result.FinishReason, request.Plan)) || cancellationToken.IsCancellationRequested)
                {
                    // The winner (or, on the caller's cancellation, the call the loop settles as cancelled).
                    AbandonLeg(request, other, lost: !cancellationToken.IsCancellationRequested);
                    other = null;
                    break;
                }

                var failure = task.IsCompletedSuccessfully
                    ? new LlmFailure(LlmFailureKind.ContentPolicy, errorCode: "content_filter")
                    : current.Timer?.TimedOut == true
                        ? new LlmFailure(LlmFailureKind.Timeout, errorCode: "attempt_timeout", exception: task.Exception?.InnerException is { } inner ? LlmSecrets.ScrubIfNeeded(inner) : null)
                        : current.Provider.Classify(ErrorOf(task));
                ReleaseTimer(current);
                var end = _clock.Now;
                var (decision, _, verdict) = Decide(request, current.Provider, failure, end, canRetry: false);
                if (decision == LlmAttemptDecision.Surfaced)
                {
                    AbandonLeg(request, other, lost: false);
                    other = null;
                    Settle(request, current.Provider, failure, decision, verdict, end);
                    state.Surfaced = failure;
                    return current.Provider;
                }

                Settle(request, current.Provider, failure, decision, verdict, end);
                other.Resume(request);
                (current, other) = (other, null);
            }

            ChatResponse? response = null;
            Exception? error = null;
            try
            {
                response = await current.Response!.ConfigureAwait(false);
            }
#pragma warning disable CA1031 // Every failure is classified by the loop; none escapes unexamined.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                error = ex;
            }

            var timedOut = current.Timer?.TimedOut == true;
            ReleaseTimer(current);
            (state.Response, state.Error, state.TimedOut) = (response, error, timedOut);
            return current.Provider;
        }
        finally
        {
            // Only an unexpected throw leaves anything here: the parked call is given back, the timers released.
            if (other is not null)
            {
                AbandonLeg(request, other, lost: false);
            }

            ReleaseTimer(current);
        }
    }
}
