using System.Diagnostics;
using System.Runtime.ExceptionServices;

namespace LlmFallback;

public sealed partial class FallbackChatClient
{
    /// <summary>Everything one request tracks once it leaves the fast path.</summary>
    private sealed class RequestState(FallbackPlan plan)
    {
        public FallbackPlan Plan { get; } = plan;

        private List<LlmAttempt>? _attempts;

        /// <summary>Gets the attempts so far; created on first use, so a request that succeeds at once allocates none.</summary>
        public List<LlmAttempt> Attempts => _attempts ??= new(4);

        public bool HasAttempts => _attempts is { Count: > 0 };

        public int Calls { get; set; }

        public int ProviderIndex { get; set; } = -1;

        public int RetriesOnProvider { get; set; }

        public long Probe { get; set; }

        public bool ContextExceeded { get; set; }

        public int ContextFloor { get; set; }

        public LlmFailureKind? FallbackReason { get; set; }

        public LlmFailure? LastFailure { get; set; }

        public LlmProvider? LastProvider { get; set; }
    }

    /// <summary>Records a finished attempt (or a skipped provider) in the request, the logs and the metrics.</summary>
    private LlmAttempt Record(RequestState state, LlmProvider provider, LlmFailure? failure, TimeSpan duration, LlmAttemptDecision decision, Activity? activity)
    {
        var attempt = new LlmAttempt(provider.Name, provider.Model, failure, duration, decision);
        state.Attempts.Add(attempt);
        if (failure is not null)
        {
            // A provider passed over without a call did not fail this request: what surfaces is the last real failure.
            if (decision != LlmAttemptDecision.Skipped)
            {
                state.LastFailure = failure;
                state.LastProvider = provider;
            }

            if (decision is LlmAttemptDecision.FailedOver or LlmAttemptDecision.Skipped or LlmAttemptDecision.Rescued && state.ProviderIndex <= 0)
            {
                state.FallbackReason ??= failure.Kind;
            }

            if (decision == LlmAttemptDecision.Skipped)
            {
                Log.ProviderSkipped(_logger, provider.Name, failure);
            }
            else
            {
                Log.AttemptFailed(_logger, state.Calls, provider.Name, failure, LlmFallbackDiagnostics.DecisionName(decision));
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
    /// Reads the classification and decides: retry the same provider (after how long), fail over, or surface.
    /// Also feeds the provider's breaker and the upstream's cool-down.
    /// </summary>
    private (LlmAttemptDecision Decision, TimeSpan Delay) Decide(RequestState state, LlmProvider provider, LlmFailure failure, long now)
    {
        var policy = provider.Policy;
        var breaker = provider.Breaker;
        var probe = state.Probe;
        var retriesLeft = state.RetriesOnProvider < policy.MaxRetries && state.Calls < state.Plan.MaxAttempts;
        switch (failure.Kind)
        {
            case LlmFailureKind.RateLimited when failure.RetryAfter is { } retryAfter:
                // A Retry-After is a cool-down on the upstream, seen by every provider that shares it.
                provider.Upstream.CoolDownUntil(now + ToTimestampTicks(retryAfter));
                Log.CoolingDown(_logger, provider.UpstreamName, retryAfter);
                breaker.OnNeutral(probe);
                return retryAfter <= policy.MaxRetryAfter && retriesLeft && TryDrawRetry(provider)
                    ? (LlmAttemptDecision.Retried, retryAfter)
                    : (LlmAttemptDecision.FailedOver, TimeSpan.Zero);

            case LlmFailureKind.RateLimited:
            case LlmFailureKind.ServerError:
            case LlmFailureKind.Transport:
                breaker.OnFailure(now, probe, failure.Kind);
                return retriesLeft && TryDrawRetry(provider)
                    ? (LlmAttemptDecision.Retried, Backoff(policy, state.RetriesOnProvider))
                    : (LlmAttemptDecision.FailedOver, TimeSpan.Zero);

            case LlmFailureKind.Timeout:
                breaker.OnFailure(now, probe, failure.Kind);
                return policy.RetryOnTimeout && retriesLeft && TryDrawRetry(provider)
                    ? (LlmAttemptDecision.Retried, Backoff(policy, state.RetriesOnProvider))
                    : (LlmAttemptDecision.FailedOver, TimeSpan.Zero);

            case LlmFailureKind.Cancelled:
                // The provider reports the call cancelled on its side (the caller's cancellation never gets here):
                // no verdict on its health, and nothing to gain from asking it again.
                breaker.OnNeutral(probe);
                return (LlmAttemptDecision.FailedOver, TimeSpan.Zero);

            case LlmFailureKind.ContextLengthExceeded:
                breaker.OnNeutral(probe);
                state.ContextExceeded = true;
                state.ContextFloor = Math.Max(state.ContextFloor, provider.Capabilities.ContextWindow ?? 0);
                return (LlmAttemptDecision.FailedOver, TimeSpan.Zero);

            case LlmFailureKind.ContentPolicy:
                breaker.OnNeutral(probe);
                return (state.Plan.OnContentPolicy == LlmFailureAction.FailOver ? LlmAttemptDecision.FailedOver : LlmAttemptDecision.Surfaced, TimeSpan.Zero);

            case LlmFailureKind.BadRequest:
                breaker.OnNeutral(probe);
                return (state.Plan.OnBadRequest == LlmFailureAction.FailOver ? LlmAttemptDecision.FailedOver : LlmAttemptDecision.Surfaced, TimeSpan.Zero);

            case LlmFailureKind.Authentication:
            case LlmFailureKind.ModelNotFound:
                // Retrying cannot fix credentials or a missing model: take the provider out of rotation.
                breaker.Isolate(now, policy.CircuitBreaker.BreakDuration, failure.Kind);
                return (LlmAttemptDecision.FailedOver, TimeSpan.Zero);

            default:
                breaker.OnNeutral(probe);
                return (LlmAttemptDecision.FailedOver, TimeSpan.Zero);
        }
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

    /// <summary>
    /// Picks the next provider after the current one that may be called now: not cooling down, breaker permitting,
    /// with a larger context window after a context-length failure, and able to continue a prefill when rescuing.
    /// Providers passed over are recorded as skipped.
    /// </summary>
    private LlmProvider? SelectNext(RequestState state, long now, bool requirePrefill)
    {
        // A request that may make no more calls must not take a permit it will never use: acquiring a half-open
        // breaker's only probe and then giving up would keep the provider out of rotation for another break.
        if (state.Calls >= state.Plan.MaxAttempts)
        {
            return null;
        }

        var providers = state.Plan.Providers;
        for (var i = state.ProviderIndex + 1; i < providers.Length; i++)
        {
            var p = providers[i];
            state.ProviderIndex = i;
            if (state.ContextExceeded && !(p.Capabilities.ContextWindow > state.ContextFloor || state.Plan.IsContextFallback[i]))
            {
                Record(state, p, new LlmFailure(LlmFailureKind.ContextLengthExceeded, errorCode: "context_window_too_small"), TimeSpan.Zero, LlmAttemptDecision.Skipped, null);
                continue;
            }

            if (requirePrefill && !p.Capabilities.PrefillContinuation)
            {
                Record(state, p, new LlmFailure(LlmFailureKind.Unavailable, errorCode: "no_prefill_continuation"), TimeSpan.Zero, LlmAttemptDecision.Skipped, null);
                continue;
            }

            if (!TryAcquire(state, p, now))
            {
                continue;
            }

            state.RetriesOnProvider = 0;
            return p;
        }

        return null;
    }

    /// <summary>Asks the provider's cool-down and breaker for a call permit; records a skip when refused.</summary>
    private bool TryAcquire(RequestState state, LlmProvider provider, long now)
    {
        if (provider.UnavailableUntil(now) == 0 && provider.Breaker.TryAcquire(now, out var probe))
        {
            state.Probe = probe;
            return true;
        }

        var errorCode = provider.Upstream.IsCoolingDown(now) ? "cooling_down" : "circuit_open";
        Record(state, provider, new LlmFailure(LlmFailureKind.Unavailable, errorCode: errorCode), TimeSpan.Zero, LlmAttemptDecision.Skipped, null);
        return false;
    }

    /// <summary>
    /// Waits out a retry's delay (backoff or Retry-After), then asks the provider for a permit. A false result means
    /// the provider became unavailable meanwhile (recorded as skipped) and the request fails over.
    /// </summary>
    private async ValueTask<bool> WaitToRetryAsync(RequestState state, LlmProvider provider, long decidedAt, TimeSpan delay, CancellationToken cancellationToken)
    {
        var resumeAt = decidedAt + ToTimestampTicks(delay);
        if (delay > TimeSpan.Zero)
        {
            await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
        }

        state.RetriesOnProvider++;
        return TryAcquireAfterWait(state, provider, resumeAt);
    }

    /// <summary>
    /// Asks for a permit to retry a provider after waiting <paramref name="resumeAt"/>: a cool-down that ends no later
    /// than that (the one this request waited out) does not block it, even if the delay timer fired a tick early;
    /// a longer cool-down set meanwhile by another request, or an open breaker, does.
    /// </summary>
    private bool TryAcquireAfterWait(RequestState state, LlmProvider provider, long resumeAt)
    {
        var now = _clock.Now;
        if (provider.Upstream.CooldownUntil <= Math.Max(now, resumeAt) && provider.Breaker.TryAcquire(now, out var probe))
        {
            state.Probe = probe;
            return true;
        }

        return TryAcquire(state, provider, now);
    }

    /// <summary>The exception for a request that cannot go on: a context-length failure with no larger provider is surfaced as itself.</summary>
    private Exception Exhausted(RequestState state, long now)
    {
        RecordRequestMetrics(null, state.FallbackReason is not null, success: false);
        if (state.ContextExceeded && LastCall(state) is { Kind: LlmFailureKind.ContextLengthExceeded, Failure: { } contextFailure } last)
        {
            last.Decision = LlmAttemptDecision.Surfaced;
            return new LlmProviderException(contextFailure, last.Provider, state.Attempts);
        }

        Log.Exhausted(_logger, state.Calls);

        // The last call failed over to nothing: as part of this exception, it is what surfaced.
        if (LastCall(state) is { Decision: LlmAttemptDecision.FailedOver or LlmAttemptDecision.Retried } lastCall)
        {
            lastCall.Decision = LlmAttemptDecision.Surfaced;
        }

        // The earliest moment any provider of the chain accepts a call again: now for one that is merely failing,
        // the end of its break or cool-down otherwise. A gateway can always answer with a Retry-After.
        var earliest = long.MaxValue;
        foreach (var p in state.Plan.Providers)
        {
            var until = p.UnavailableUntil(now);
            earliest = Math.Min(earliest, until == 0 ? now : until);
        }

        var wallNow = _time.GetUtcNow();
        var retryAt = LlmClock.WallTime(wallNow, _clock.Elapsed(now, Math.Max(now, earliest)));
        return new LlmFallbackExhaustedException(state.Attempts, retryAt, wallNow);
    }

    /// <summary>The last attempt that was an actual call (not a skipped provider).</summary>
    private static LlmAttempt? LastCall(RequestState state)
    {
        for (var i = state.Attempts.Count - 1; i >= 0; i--)
        {
            if (state.Attempts[i].Decision != LlmAttemptDecision.Skipped)
            {
                return state.Attempts[i];
            }
        }

        return null;
    }

    private static LlmCallInfo Succeeded(RequestState state, LlmProvider provider, string? modelId, TimeSpan duration, bool rescued, Activity? activity)
    {
        var single = !state.HasAttempts && state.Calls == 1 && !rescued;
        if (!single)
        {
            state.Attempts.Add(new LlmAttempt(provider.Name, modelId, null, duration, LlmAttemptDecision.Answered));
        }

        activity?.SetTag(LlmFallbackDiagnostics.ResponseModelTag, modelId);
        activity?.SetTag(LlmFallbackDiagnostics.DecisionTag, LlmFallbackDiagnostics.DecisionName(LlmAttemptDecision.Answered));
        RecordAttemptMetrics(provider, null, LlmAttemptDecision.Answered, duration);
        RecordRequestMetrics(provider, state.FallbackReason is not null, success: true);
        return single
            ? new LlmCallInfo(provider.Name, modelId, duration)
            : new LlmCallInfo(provider.Name, modelId, state.Attempts, state.Calls, state.FallbackReason, rescued);
    }

    [StackTraceHidden]
    private static void ThrowCancelled(Exception? error, CancellationToken cancellationToken)
    {
        if (error is OperationCanceledException oce && oce.CancellationToken == cancellationToken)
        {
            ExceptionDispatchInfo.Throw(error);
        }

        cancellationToken.ThrowIfCancellationRequested();
    }

    private long ToTimestampTicks(TimeSpan value) => _clock.ToTimestamps(value < LlmRetryAfter.MaxValue ? value : LlmRetryAfter.MaxValue);
}
