namespace LlmFallback;

public sealed partial class FallbackChatClient
{
    /// <summary>
    /// After a failed attempt: waits out a retry's delay and retries the same provider, or moves on to the next
    /// provider that may be called, waiting for one when every provider left is only briefly unavailable. Returns
    /// <see langword="null"/> when the request cannot go on (the caller then throws what fits).
    /// </summary>
    private async ValueTask<LlmProvider?> NextAsync(
        FallbackRequest request, LlmProvider failed, LlmAttemptDecision decision, TimeSpan delay, long decidedAt, bool requirePrefill, CancellationToken cancellationToken)
    {
        if (decision == LlmAttemptDecision.Retried)
        {
            // The delay runs from the decision, not from whenever this continuation arms its timer.
            var resumeAt = decidedAt + ToTimestampTicks(delay);
            var remaining = delay - _clock.ElapsedSince(decidedAt);
            if (remaining > TimeSpan.Zero)
            {
                await Task.Delay(remaining, _time, cancellationToken).ConfigureAwait(false);
            }

            request.RetriesOnProvider++;

            // The cool-down this request waited out (ending no later than resumeAt) does not block it, even when the
            // delay timer fired a tick early; a longer one set meanwhile by another request, or an open breaker, does.
            var now = _clock.Now;
            if (failed.TryAcquire(Math.Max(now, resumeAt), out request.Permit, out var refusal))
            {
                return failed;
            }

            Skip(request, failed, refusal);
            request.AddRetryCandidate(request.ProviderIndex);
        }

        return await SelectAsync(request, requirePrefill, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The next provider that may be called now, or after a wait within the request's budget.</summary>
    private ValueTask<LlmProvider?> SelectAsync(FallbackRequest request, bool requirePrefill, CancellationToken cancellationToken)
    {
        if (SelectNext(request, _clock.Now, requirePrefill) is { } next)
        {
            return new(next);
        }

        return request.WaitCandidates == 0 || request.Calls >= request.Plan.MaxAttempts
            ? new((LlmProvider?)null)
            : WaitForAvailabilityAsync(request, cancellationToken);
    }

    /// <summary>
    /// Picks the next provider after the current one that may be called now: with a larger context window after a
    /// context-length failure, able to continue a prefill when rescuing, and granting a permit. Providers passed over
    /// are recorded as skipped; those refused only for availability become candidates to wait for.
    /// </summary>
    private LlmProvider? SelectNext(FallbackRequest request, long now, bool requirePrefill)
    {
        // A request that may make no more calls must not take a permit it will never use: acquiring a half-open
        // breaker's only probe and then giving up would keep the provider out of rotation for another break.
        if (request.Calls >= request.Plan.MaxAttempts)
        {
            return null;
        }

        var providers = request.Plan.Providers;
        for (var i = request.ProviderIndex + 1; i < providers.Length; i++)
        {
            var p = providers[i];
            request.ProviderIndex = i;
            if (request.ContextExceeded && !(p.Capabilities.ContextWindow > request.ContextFloor || request.Plan.IsContextFallback[i]))
            {
                Record(request, p, new LlmFailure(LlmFailureKind.ContextLengthExceeded, errorCode: "context_window_too_small"), TimeSpan.Zero, LlmAttemptDecision.Skipped, null);
                continue;
            }

            if (requirePrefill && !p.Capabilities.PrefillContinuation)
            {
                Record(request, p, new LlmFailure(LlmFailureKind.Unavailable, errorCode: "no_prefill_continuation"), TimeSpan.Zero, LlmAttemptDecision.Skipped, null);
                continue;
            }

            if (!p.TryAcquire(now, out request.Permit, out var refusal))
            {
                Skip(request, p, refusal);
                request.AddWaitCandidate(i);
                continue;
            }

            request.RetriesOnProvider = 0;
            return p;
        }

        return null;
    }

    private void Skip(FallbackRequest request, LlmProvider provider, LlmRefusal refusal) =>
        Record(request, provider, new LlmFailure(LlmFailureKind.Unavailable, errorCode: RefusalCode(refusal)), TimeSpan.Zero, LlmAttemptDecision.Skipped, null);

    private static string RefusalCode(LlmRefusal refusal) => refusal switch
    {
        LlmRefusal.CoolingDown => "cooling_down",
        LlmRefusal.Ramping => "ramping_up",
        LlmRefusal.Probing => "probing",
        LlmRefusal.ProviderLimit => "provider_limit",
        _ => "circuit_open",
    };
}
