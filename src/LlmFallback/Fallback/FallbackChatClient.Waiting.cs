namespace LlmFallback;

public sealed partial class FallbackChatClient
{
    /// <summary>
    /// Every provider left in the request's plan refused it only for availability (a cool-down, an open or probing
    /// breaker, a full slow start). Rather than fail, the request waits, within its budget, for the earliest moment one
    /// of them admits a call: a cool-down's or a break's end, or a pulse when a slot frees. When every candidate's
    /// breaker is open and none comes back within the budget, the request makes one call past the breakers, to the
    /// provider most likely to answer (panic mode). Cool-downs are never overridden.
    /// </summary>
    private async ValueTask<LlmProvider?> WaitForAvailabilityAsync(FallbackRequest request, CancellationToken cancellationToken)
    {
        var providers = request.Plan.Providers;
        var budget = request.Plan.MaxWaitForAvailability;
        Task[]? pulses = null;
        while (true)
        {
            var now = _clock.Now;
            var left = budget - request.Waited;

            // Take the pulses first, then look: a slot freed between the look and the wait still wakes us.
            pulses = TakePulses(request, providers, pulses);
            if (TryCandidates(request, providers, now) is { } ready)
            {
                return ready;
            }

            var (earliest, unknown, allOpen) = Availability(request, providers, now);
            var wait = earliest == long.MaxValue ? left : _clock.Elapsed(now, earliest);
            if (left <= TimeSpan.Zero || (!unknown && wait > left))
            {
                return allOpen ? TryPanic(request, providers, now) : null;
            }

            wait = wait < left ? wait : left;
            var waitStart = _time.GetTimestamp();
            using (var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                var delay = Task.Delay(wait > TimeSpan.Zero ? wait : TimeSpan.Zero, _time, stop.Token);
                pulses[^1] = delay;
                await Task.WhenAny(pulses).ConfigureAwait(false);
                await stop.CancelAsync().ConfigureAwait(false);
            }

            var waited = _time.GetElapsedTime(waitStart);
            request.Waited += waited;
            RecordWait(waited);
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    /// <summary>The pulse of each candidate's upstream, plus a last slot for the timer.</summary>
    private static Task[] TakePulses(FallbackRequest request, LlmProvider[] providers, Task[]? reuse)
    {
        var count = 1;
        for (var i = 0; i < providers.Length && i < FallbackRequest.MaxWaitCandidates; i++)
        {
            count += IsCandidate(request, i) ? 1 : 0;
        }

        var pulses = reuse is { Length: var n } && n == count ? reuse : new Task[count];
        var slot = 0;
        for (var i = 0; i < providers.Length && i < FallbackRequest.MaxWaitCandidates; i++)
        {
            if (IsCandidate(request, i))
            {
                pulses[slot++] = providers[i].Upstream.Signal.NextPulse;
            }
        }

        pulses[slot] = Task.CompletedTask;
        return pulses;
    }

    /// <summary>Asks each candidate, in plan order, for a permit without recording refusals again.</summary>
    private static LlmProvider? TryCandidates(FallbackRequest request, LlmProvider[] providers, long now)
    {
        if (request.Calls >= request.Plan.MaxAttempts)
        {
            return null;
        }

        for (var i = 0; i < providers.Length && i < FallbackRequest.MaxWaitCandidates; i++)
        {
            if (IsCandidate(request, i) && providers[i].TryAcquire(now, out request.Permit, out _))
            {
                request.WaitCandidates &= ~(1UL << i);
                if (i != request.ProviderIndex)
                {
                    request.RetriesOnProvider = 0;
                }

                request.ProviderIndex = i;
                return providers[i];
            }
        }

        return null;
    }

    /// <summary>
    /// When the candidates come back: the earliest known time (a cool-down's or a break's end), whether one comes back
    /// at an unknown time (a probe or a slow start in progress, which frees with a pulse), and whether every provider
    /// of the plan has an open breaker (the panic condition).
    /// </summary>
    private static (long Earliest, bool Unknown, bool AllOpen) Availability(FallbackRequest request, LlmProvider[] providers, long now)
    {
        var earliest = long.MaxValue;
        var unknown = false;
        var allOpen = true;
        for (var i = 0; i < providers.Length; i++)
        {
            var p = providers[i];
            allOpen &= p.Breaker.State != LlmCircuitState.Closed;
            if (i >= FallbackRequest.MaxWaitCandidates || !IsCandidate(request, i))
            {
                continue;
            }

            var until = p.UnavailableUntil(now);
            if (until == 0)
            {
                // Back with a call (a probe's verdict, a ramp slot freed), which pulses; but a probe that stays silent
                // for a break is replaced without a pulse, so wake then to take its place.
                unknown = true;
                if (p.Breaker.ProbeReplacedAt is var replaced and > 0 && replaced > now)
                {
                    earliest = Math.Min(earliest, replaced);
                }
            }
            else
            {
                earliest = Math.Min(earliest, until);
            }
        }

        return (earliest, unknown, allOpen);
    }

    /// <summary>
    /// Panic mode (after Envoy's panic threshold): every provider's breaker is open and none reopens within the wait
    /// budget, so rather than fail with no call at all, call the candidate most likely to answer: the lowest failure
    /// ratio in its breaker's window, then the earliest reopening. Never a provider that is cooling down (it said how
    /// long to wait) or isolated for its credentials or model (it cannot answer). Once per request.
    /// </summary>
    private LlmProvider? TryPanic(FallbackRequest request, LlmProvider[] providers, long now)
    {
        if (request.Panicked || request.Calls >= request.Plan.MaxAttempts)
        {
            return null;
        }

        var best = -1;
        var bestRatio = double.MaxValue;
        var bestUntil = long.MaxValue;
        for (var i = 0; i < providers.Length && i < FallbackRequest.MaxWaitCandidates; i++)
        {
            if (!IsCandidate(request, i) || providers[i].Upstream.IsCoolingDown(now) || providers[i].Breaker.IsIsolated)
            {
                continue;
            }

            var breaker = providers[i].Breaker;
            var (started, failed) = breaker.GetWindow(now);
            var ratio = started == 0 ? 1.0 : (double)failed / started;
            var until = breaker.OpenUntil;
            if (ratio < bestRatio || (ratio == bestRatio && until < bestUntil))
            {
                (best, bestRatio, bestUntil) = (i, ratio, until);
            }
        }

        if (best < 0 || !providers[best].TryAcquirePanic(now, out request.Permit))
        {
            return null;
        }

        request.Panicked = true;
        request.WaitCandidates &= ~(1UL << best);
        request.RetriesOnProvider = best == request.ProviderIndex ? request.RetriesOnProvider : 0;
        request.ProviderIndex = best;
        Log.PanicCall(_logger, providers[best].Name);
        RecordPanic(providers[best]);
        return providers[best];
    }

    private static bool IsCandidate(FallbackRequest request, int index) => (request.WaitCandidates & (1UL << index)) != 0;
}
