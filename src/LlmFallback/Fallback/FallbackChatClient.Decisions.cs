using System.Diagnostics;

namespace LlmFallback;

public sealed partial class FallbackChatClient
{
    /// <summary>Records a finished attempt (or a skipped provider) in the request, the logs and the metrics.</summary>
    private LlmAttempt Record(FallbackRequest request, LlmProvider provider, LlmFailure? failure, TimeSpan duration, LlmAttemptDecision decision, Activity? activity)
    {
        var attempt = new LlmAttempt(provider.Name, provider.Model, failure, duration, decision);
        request.Attempts.Add(attempt);
        if (failure is not null)
        {
            // A provider passed over without a call did not fail this request: what surfaces is the last real failure.
            if (decision != LlmAttemptDecision.Skipped)
            {
                request.LastFailure = failure;
                request.LastProvider = provider;
            }

            if (decision is LlmAttemptDecision.FailedOver or LlmAttemptDecision.Skipped or LlmAttemptDecision.Rescued && request.ProviderIndex <= 0)
            {
                request.FallbackReason ??= failure.Kind;
            }

            if (decision == LlmAttemptDecision.Skipped)
            {
                Log.ProviderSkipped(_logger, provider.Name, failure);
            }
            else if (failure.Kind == LlmFailureKind.Cancelled)
            {
                // A caller going away is routine, not a failure to warn about.
                Log.AttemptCancelled(_logger, request.Calls, provider.Name);
            }
            else
            {
                Log.AttemptFailed(_logger, request.Calls, provider.Name, failure, LlmFallbackDiagnostics.DecisionName(decision));
            }
        }

        if (activity is not null)
        {
            activity.SetTag(LlmFallbackDiagnostics.DecisionTag, LlmFallbackDiagnostics.DecisionName(decision));
            if (failure is not null)
            {
                activity.SetTag(LlmFallbackDiagnostics.ErrorTypeTag, LlmFallbackDiagnostics.KindName(failure.Kind));
                activity.SetStatus(ActivityStatusCode.Error, failure.ToString());
            }
        }

        RecordAttemptMetrics(provider, failure, decision, duration);
        return attempt;
    }

    /// <summary>
    /// Reads the classification and decides: retry the same provider (after how long), fail over, or surface; and
    /// what the failure says about the provider's health. A cool-down the provider asked for is set on its upstream
    /// here. A retry is drawn from the budget only when it will really be made: <paramref name="canRetry"/> is false
    /// when the same provider cannot take the request again (a stream it cannot continue).
    /// </summary>
    private (LlmAttemptDecision Decision, TimeSpan Delay, LlmProvider.HealthVerdict Verdict) Decide(FallbackRequest request, LlmProvider provider, LlmFailure failure, long now, bool canRetry)
    {
        var policy = provider.Policy;
        var retriesLeft = canRetry && request.RetriesOnProvider < policy.MaxRetries && request.Calls < request.Plan.MaxAttempts;
        switch (failure.Kind)
        {
            case LlmFailureKind.RateLimited when failure.RetryAfter is { } retryAfter:
                // A Retry-After is a cool-down on the upstream, seen by every provider that shares it, and no verdict
                // on health: the provider said exactly what it needs.
                return CoolDown(provider, now, retryAfter, retriesLeft, LlmProvider.HealthVerdict.Neutral);

            case LlmFailureKind.ServerError when failure.RetryAfter is { } retryAfter:
                // A 503 with Retry-After (overload, maintenance): the server said when to come back, so the upstream
                // cools down as for a rate limit, but the failure still speaks about its health.
                return CoolDown(provider, now, retryAfter, retriesLeft, LlmProvider.HealthVerdict.Failure);

            case LlmFailureKind.RateLimited:
            case LlmFailureKind.ServerError:
            case LlmFailureKind.Transport:
                return retriesLeft && TryDrawRetry(provider)
                    ? (LlmAttemptDecision.Retried, Backoff(policy, request.RetriesOnProvider), LlmProvider.HealthVerdict.Failure)
                    : (LlmAttemptDecision.FailedOver, TimeSpan.Zero, LlmProvider.HealthVerdict.Failure);

            case LlmFailureKind.Timeout:
                return policy.RetryOnTimeout && retriesLeft && TryDrawRetry(provider)
                    ? (LlmAttemptDecision.Retried, Backoff(policy, request.RetriesOnProvider), LlmProvider.HealthVerdict.Failure)
                    : (LlmAttemptDecision.FailedOver, TimeSpan.Zero, LlmProvider.HealthVerdict.Failure);

            case LlmFailureKind.ContextLengthExceeded:
                request.ContextExceeded = true;
                request.ContextFloor = Math.Max(request.ContextFloor, provider.Capabilities.ContextWindow ?? 0);
                return (LlmAttemptDecision.FailedOver, TimeSpan.Zero, LlmProvider.HealthVerdict.Neutral);

            case LlmFailureKind.ContentPolicy:
                return (request.Plan.OnContentPolicy == LlmFailureAction.FailOver ? LlmAttemptDecision.FailedOver : LlmAttemptDecision.Surfaced, TimeSpan.Zero, LlmProvider.HealthVerdict.Neutral);

            case LlmFailureKind.BadRequest:
                return (request.Plan.OnBadRequest == LlmFailureAction.FailOver ? LlmAttemptDecision.FailedOver : LlmAttemptDecision.Surfaced, TimeSpan.Zero, LlmProvider.HealthVerdict.Neutral);

            case LlmFailureKind.Authentication:
            case LlmFailureKind.ModelNotFound:
                // Retrying cannot fix credentials or a missing model: take the provider out of rotation.
                return (LlmAttemptDecision.FailedOver, TimeSpan.Zero, LlmProvider.HealthVerdict.Isolate);

            default:
                // Cancelled on the provider's side (the caller's cancellation never gets here): no verdict on its
                // health, and nothing to gain from asking it again.
                return (LlmAttemptDecision.FailedOver, TimeSpan.Zero, LlmProvider.HealthVerdict.Neutral);
        }
    }

    /// <summary>The upstream asked to wait: it cools down that long; the request waits it out and retries, or fails over.</summary>
    private (LlmAttemptDecision Decision, TimeSpan Delay, LlmProvider.HealthVerdict Verdict) CoolDown(LlmProvider provider, long now, TimeSpan retryAfter, bool retriesLeft, LlmProvider.HealthVerdict verdict)
    {
        provider.CoolDown(now, retryAfter < LlmRetryAfter.MaxValue ? retryAfter : LlmRetryAfter.MaxValue);
        Log.CoolingDown(_logger, provider.UpstreamName, retryAfter);
        return retryAfter <= provider.Policy.MaxRetryAfter && retriesLeft && TryDrawRetry(provider)
            ? (LlmAttemptDecision.Retried, retryAfter, verdict)
            : (LlmAttemptDecision.FailedOver, TimeSpan.Zero, verdict);
    }

    private bool TryDrawRetry(LlmProvider provider)
    {
        if (_retryBudget.TryAcquireRetry())
        {
            return true;
        }

        Log.RetryBudgetExhausted(_logger, provider.Name);
        return false;
    }

    /// <summary>Exponential backoff with full jitter: uniform in [0, min(MaxDelay, BaseDelay × 2^retry)).</summary>
    private TimeSpan Backoff(LlmAttemptPolicyOptions policy, int retry)
    {
        var cap = Math.Min(policy.MaxDelay.TotalMilliseconds, policy.BaseDelay.TotalMilliseconds * Math.Pow(2, Math.Min(retry, 30)));
        return TimeSpan.FromMilliseconds(cap * Jitter());
    }

    private long ToTimestampTicks(TimeSpan value) => _clock.ToTimestamps(value < LlmRetryAfter.MaxValue ? value : LlmRetryAfter.MaxValue);
}
