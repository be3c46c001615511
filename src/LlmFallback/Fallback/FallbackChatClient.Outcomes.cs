namespace LlmFallback;

public sealed partial class FallbackChatClient
{
    /// <summary>The exception for a request that cannot go on: a context-length failure with no larger provider is surfaced as itself.</summary>
    private Exception Exhausted(FallbackRequest request)
    {
        var now = _clock.Now;
        RecordRequestMetrics(null, request.FallbackReason is not null, success: false);
        if (request.ContextExceeded && LastCall(request) is { Kind: LlmFailureKind.ContextLengthExceeded, Failure: { } contextFailure } last)
        {
            last.Decision = LlmAttemptDecision.Surfaced;
            return new LlmProviderException(contextFailure, last.Provider, request.Attempts);
        }

        Log.Exhausted(_logger, request.Calls);

        // The last call failed over to nothing: as part of this exception, it is what surfaced.
        if (LastCall(request) is { Decision: LlmAttemptDecision.FailedOver or LlmAttemptDecision.Retried } lastCall)
        {
            lastCall.Decision = LlmAttemptDecision.Surfaced;
        }

        // The earliest moment any provider of the chain accepts a call again: now for one that is merely failing,
        // the end of its break or cool-down otherwise. A gateway can always answer with a Retry-After.
        var earliest = long.MaxValue;
        foreach (var p in request.Plan.Providers)
        {
            var until = p.UnavailableUntil(now);
            earliest = Math.Min(earliest, until == 0 ? now : until);
        }

        var wallNow = _time.GetUtcNow();
        var retryAt = LlmClock.WallTime(wallNow, _clock.Elapsed(now, Math.Max(now, earliest)));
        return new LlmFallbackExhaustedException(request.Attempts, retryAt, wallNow);
    }

    /// <summary>The last attempt that was an actual call (not a skipped provider).</summary>
    private static LlmAttempt? LastCall(FallbackRequest request)
    {
        for (var i = request.Attempts.Count - 1; i >= 0; i--)
        {
            if (request.Attempts[i].Decision != LlmAttemptDecision.Skipped)
            {
                return request.Attempts[i];
            }
        }

        return null;
    }

    private static LlmCallInfo Succeeded(FallbackRequest request, LlmProvider provider, string? modelId, TimeSpan duration, bool rescued, System.Diagnostics.Activity? activity)
    {
        var single = !request.HasAttempts && request.Calls == 1 && !rescued;
        if (!single)
        {
            request.Attempts.Add(new LlmAttempt(provider.Name, modelId, null, duration, LlmAttemptDecision.Answered));
        }

        activity?.SetTag(LlmFallbackDiagnostics.ResponseModelTag, modelId);
        activity?.SetTag(LlmFallbackDiagnostics.DecisionTag, LlmFallbackDiagnostics.DecisionName(LlmAttemptDecision.Answered));
        RecordAttemptMetrics(provider, null, LlmAttemptDecision.Answered, duration);
        RecordRequestMetrics(provider, request.FallbackReason is not null, success: true);
        if (request is not StreamRequest)
        {
            // A stream's length says nothing about the deployment's speed; its time to first token is recorded instead.
            provider.RecordLatency(duration);
        }

        var info = single
            ? new LlmCallInfo(provider.Name, modelId, duration)
            : new LlmCallInfo(provider.Name, modelId, request.Attempts, request.Calls, request.FallbackReason, rescued);
        if (request.Hedge is { Sent: true } hedge)
        {
            var annotations = info.Annotations;
            annotations.Hedged = true;
            annotations.HedgeUsage = hedge.LoserUsage;
        }

        return info;
    }
}
