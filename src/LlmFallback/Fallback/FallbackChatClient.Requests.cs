using Microsoft.Extensions.AI;

namespace LlmFallback;

public sealed partial class FallbackChatClient
{
    /// <summary>
    /// The non-streaming loop, entered when the fast path cannot finish: a first call still in flight, a first call
    /// that failed, or a first provider that is unavailable.
    /// </summary>
    private async Task<ChatResponse> RunAsync(
        IEnumerable<ChatMessage> messages,
        ChatOptions? options,
        FallbackPlan plan,
        Task<ChatResponse>? pending,
        AttemptTimer? timer,
        long probe,
        long attemptStart,
        CancellationToken cancellationToken)
    {
        var state = new RequestState(plan);
        using var callActivity = StartActivity("llmfallback.chat", null, 0);
        LlmProvider? provider;
        if (pending is not null)
        {
            provider = plan.Providers[0];
            state.ProviderIndex = 0;
            state.Probe = probe;
            state.Calls = 1;
        }
        else
        {
            cancellationToken.ThrowIfCancellationRequested();
            provider = SelectNext(state, attemptStart, requirePrefill: false) ?? throw Exhausted(state, attemptStart);
        }

        while (true)
        {
            System.Diagnostics.Activity? activity = null;
            if (pending is null)
            {
                if (state.Calls >= plan.MaxAttempts)
                {
                    throw Exhausted(state, _clock.Now);
                }

                state.Calls++;
                activity = StartActivity("llmfallback.attempt", provider, state.Calls);
                attemptStart = _clock.Now;
                var timeout = plan.AttemptTimeouts[state.ProviderIndex];
                timer = timeout == Timeout.InfiniteTimeSpan ? null : _timers.Rent(timeout, AttemptDeadline.Attempt, cancellationToken);
                pending = Invoke(provider, messages, options, timer?.Token ?? cancellationToken);
            }

            ChatResponse? response = null;
            Exception? error = null;
            try
            {
                response = await pending.ConfigureAwait(false);
            }
#pragma warning disable CA1031 // Every failure is classified; none escapes unexamined.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                error = ex;
            }

            var end = _clock.Now;
            var timedOut = timer?.TimedOut == true;
            timer?.Release();
            timer = null;
            pending = null;
            var duration = _clock.Elapsed(attemptStart, end);

            using (activity)
            {
                LlmFailure failure;
                if (error is null)
                {
                    if (!IsFilteredForFailover(response!.FinishReason, plan))
                    {
                        provider.Breaker.OnSuccess(end, state.Probe);
                        response.ModelId ??= provider.Model;
                        response.SetLlmCallInfo(Succeeded(state, provider, response.ModelId, duration, rescued: false, activity));
                        return response;
                    }

                    failure = new LlmFailure(LlmFailureKind.ContentPolicy, errorCode: "content_filter");
                }
                else
                {
                    if (cancellationToken.IsCancellationRequested)
                    {
                        provider.Breaker.OnNeutral(state.Probe);
                        Record(state, provider, new LlmFailure(LlmFailureKind.Cancelled, exception: error), duration, LlmAttemptDecision.Surfaced, activity);
                        ThrowCancelled(error, cancellationToken);
                    }

                    failure = timedOut
                        ? new LlmFailure(LlmFailureKind.Timeout, errorCode: "attempt_timeout", exception: error)
                        : provider.Classify(error);
                }

                var (decision, delay) = Decide(state, provider, failure, end);
                Record(state, provider, failure, duration, decision, activity);
                if (decision == LlmAttemptDecision.Surfaced)
                {
                    RecordRequestMetrics(null, state.FallbackReason is not null, success: false);
                    throw new LlmProviderException(failure, provider.Name, state.Attempts);
                }

                if (decision == LlmAttemptDecision.Retried && await WaitToRetryAsync(state, provider, end, delay, cancellationToken).ConfigureAwait(false))
                {
                    continue;
                }
            }

            var now = _clock.Now;
            provider = SelectNext(state, now, requirePrefill: false) ?? throw Exhausted(state, now);
        }
    }
}
