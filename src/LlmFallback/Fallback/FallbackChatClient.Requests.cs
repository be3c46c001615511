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
        ProviderPermit permit,
        long attemptStart,
        CancellationToken cancellationToken)
    {
        var request = new FallbackRequest(plan);
        using var callActivity = StartActivity("llmfallback.chat", null, 0);
        TagRoute(callActivity, options);
        try
        {
            LlmProvider? provider;
            if (pending is not null)
            {
                provider = plan.Providers[0];
                request.ProviderIndex = 0;
                request.MarkCalled(0);
                request.Permit = permit;
                request.Calls = 1;
                request.AttemptStart = attemptStart;
            }
            else
            {
                cancellationToken.ThrowIfCancellationRequested();
                provider = await SelectAsync(request, requirePrefill: false, cancellationToken).ConfigureAwait(false)
                    ?? throw Failed(callActivity, Exhausted(request));
            }

            while (true)
            {
                if (pending is null)
                {
                    BeginAttempt(request, provider);
                    var timeout = plan.AttemptTimeouts[request.ProviderIndex];
                    timer = timeout == Timeout.InfiniteTimeSpan && (plan.Hedging is null || request.Hedged) ? null : _timers.Rent(timeout, AttemptDeadline.Attempt, cancellationToken);
                    using (EnterAttempt(provider, timer, cancellationToken))
                    {
                        pending = Invoke(provider, messages, options, timer?.Token ?? cancellationToken);
                    }
                }

                ChatResponse? response = null;
                Exception? error = null;
                bool timedOut;
                if (plan.Hedging is { } hedging && !request.Hedged && request.ProviderIndex + 1 < plan.Providers.Length)
                {
                    // One composite attempt: the call, and maybe a hedge; what comes back is the call left to judge. The
                    // race owns the call's timer from here and releases it whatever happens, a throw included: the
                    // finally below must not release it a second time (it may be back in the pool, or in use again).
                    var raced = timer;
                    timer = null;
                    provider = (await AwaitHedgedAsync(request, provider, pending, raced, messages, options, hedging, cancellationToken).ConfigureAwait(false))!;
                    pending = null;
                    if (request.Hedge!.Surfaced is { } surfaced)
                    {
                        RecordRequestMetrics(null, request.FallbackReason is not null, success: false);
                        throw Failed(callActivity, new LlmProviderException(surfaced, provider.Name, request.Attempts));
                    }

                    (response, error, timedOut) = (request.Hedge.Response, request.Hedge.Error, request.Hedge.TimedOut);
                    request.Hedge.Reset();
                }
                else
                {
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

                    timedOut = timer?.TimedOut == true;
                    timer?.Release();
                    timer = null;
                    pending = null;
                }

                LlmFailure failure;
                if (error is null)
                {
                    if (!IsFilteredForFailover(response!.FinishReason, plan))
                    {
                        response.ModelId ??= provider.Model;
                        RecordUsage(provider, response.Usage, request.AttemptActivity);
                        response.SetLlmCallInfo(SettleSuccess(request, provider, response.ModelId, rescued: false));
                        return response;
                    }

                    failure = new LlmFailure(LlmFailureKind.ContentPolicy, errorCode: "content_filter");
                }
                else
                {
                    if (cancellationToken.IsCancellationRequested)
                    {
                        SettleCancelled(request, provider, error, cancellationToken);
                    }

                    failure = timedOut
                        ? new LlmFailure(LlmFailureKind.Timeout, errorCode: "attempt_timeout", exception: LlmSecrets.ScrubIfNeeded(error))
                        : provider.Classify(error);
                }

                var end = _clock.Now;
                var (decision, delay, verdict) = Decide(request, provider, failure, end, canRetry: true);
                Settle(request, provider, failure, decision, verdict, end);
                if (decision == LlmAttemptDecision.Surfaced)
                {
                    RecordRequestMetrics(null, request.FallbackReason is not null, success: false);
                    throw Failed(callActivity, new LlmProviderException(failure, provider.Name, request.Attempts));
                }

                provider = await NextAsync(request, provider, decision, delay, end, requirePrefill: false, cancellationToken).ConfigureAwait(false)
                    ?? throw Failed(callActivity, Exhausted(request));
            }
        }
        finally
        {
            timer?.Release();
            Abandon(request);
        }
    }
}
