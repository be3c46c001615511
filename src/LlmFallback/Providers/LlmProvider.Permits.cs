using Microsoft.Extensions.AI;

namespace LlmFallback;

public sealed partial class LlmProvider
{
    /// <summary>The verdict a failed call gives about the provider's health.</summary>
    internal enum HealthVerdict : byte
    {
        /// <summary>Nothing about the provider's health (a bad request, a refusal, a cancellation, a rate limit with a wait).</summary>
        Neutral = 0,

        /// <summary>Counts toward opening the breaker.</summary>
        Failure = 1,

        /// <summary>Takes the provider out of rotation at once (credentials, missing model).</summary>
        Isolate = 2,
    }

    /// <summary>Asks the upstream and the breaker for a call permit at <paramref name="now"/>.</summary>
    internal bool TryAcquire(long now, out ProviderPermit permit, out LlmRefusal refusal)
    {
        permit = default;
        if (Limiter is { } limiter && !limiter.TryTake(now, 0))
        {
            refusal = LlmRefusal.ProviderLimit;
            return false;
        }

        if (!Upstream.TryAdmit(now, out var rampEpoch, out var rampFull))
        {
            Limiter?.Return(now, 0);
            refusal = rampFull ? LlmRefusal.Ramping : LlmRefusal.CoolingDown;
            return false;
        }

        if (!Breaker.TryAcquire(now, out var probe))
        {
            Limiter?.Return(now, 0);
            Upstream.ReleaseRamp(rampEpoch, accepted: false);
            refusal = Breaker.State == LlmCircuitState.Open ? LlmRefusal.CircuitOpen : LlmRefusal.Probing;
            return false;
        }

        refusal = LlmRefusal.None;
        permit = new ProviderPermit { Provider = this, Probe = probe, Sequence = Breaker.Sequence, Started = now, RampEpoch = rampEpoch, Counted = EnterInFlight() };
        return true;
    }

    /// <summary>A call past an open breaker, when every breaker of a request's plan is open (panic mode); never past a cool-down.</summary>
    internal bool TryAcquirePanic(long now, out ProviderPermit permit)
    {
        permit = default;
        if (Limiter is { } limiter && !limiter.TryTake(now, 0))
        {
            return false;
        }

        if (!Upstream.TryAdmit(now, out var rampEpoch, out _))
        {
            Limiter?.Return(now, 0);
            return false;
        }

        permit = new ProviderPermit { Provider = this, RampEpoch = rampEpoch, Panic = true, Counted = EnterInFlight() };
        return true;
    }

    /// <summary>The upstream accepted the call (it answered, or a stream produced its first token): its ramp slot widens the ramp.</summary>
    internal void Accept(ref ProviderPermit permit)
    {
        if (permit.RampEpoch != 0)
        {
            Upstream.ReleaseRamp(permit.RampEpoch, accepted: true);
            permit.RampEpoch = 0;
        }
    }

    /// <summary>Counts the tokens an answered call used against the provider's per-minute token limit.</summary>
    internal void RecordUsage(UsageDetails? usage, long now)
    {
        if (Limiter is { } limiter && usage is not null)
        {
            limiter.AddTokens(now, usage.TotalTokenCount ?? ((usage.InputTokenCount ?? 0) + (usage.OutputTokenCount ?? 0)));
        }
    }

    /// <summary>Reports a call that answered; the permit is settled.</summary>
    internal void Succeed(ref ProviderPermit permit)
    {
        Accept(ref permit);
        if (!permit.Held)
        {
            return;
        }

        // A close this causes starts the upstream's slow start (OnBreakerTransition).
        if (permit.Panic)
        {
            Breaker.OnPanicSuccess();
        }
        else
        {
            Breaker.OnSuccess(permit.Probe);
        }

        LeaveInFlight(permit);
        permit = default;
    }

    /// <summary>Reports a call that failed, with the verdict it gives; the permit is settled.</summary>
    internal void Fail(ref ProviderPermit permit, long now, LlmFailureKind kind, HealthVerdict verdict)
    {
        if (permit.RampEpoch != 0)
        {
            Upstream.ReleaseRamp(permit.RampEpoch, accepted: false);
            permit.RampEpoch = 0;
        }

        if (!permit.Held)
        {
            return;
        }

        switch (verdict)
        {
            case HealthVerdict.Isolate:
                Breaker.Isolate(now, Policy.CircuitBreaker.BreakDuration, kind);
                break;
            case HealthVerdict.Failure when !permit.Panic:
                Breaker.OnFailure(now, permit.Probe, kind, permit.Sequence, permit.Started);
                break;
            default:
                ReleaseNeutral(ref permit);
                break;
        }

        LeaveInFlight(permit);
        permit = default;
    }

    /// <summary>Reports a call that ended without a verdict (the caller cancelled or stopped reading); the permit is settled.</summary>
    internal void Release(ref ProviderPermit permit)
    {
        if (permit.RampEpoch != 0)
        {
            Upstream.ReleaseRamp(permit.RampEpoch, accepted: false);
            permit.RampEpoch = 0;
        }

        if (permit.Held)
        {
            ReleaseNeutral(ref permit);
            LeaveInFlight(permit);
            permit = default;
        }
    }

    private void ReleaseNeutral(ref ProviderPermit permit)
    {
        if (permit.Panic)
        {
            return;
        }

        Breaker.OnNeutral(permit.Probe, permit.Started);
        if (permit.Probe != 0)
        {
            // The probe slot is free again: a waiting request may take it.
            Upstream.Signal.Pulse();
        }
    }
}
