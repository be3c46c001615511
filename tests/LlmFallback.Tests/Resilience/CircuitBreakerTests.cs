using Microsoft.Extensions.Time.Testing;

namespace LlmFallback.Tests.Resilience;

public class CircuitBreakerTests
{
    private static readonly TimeSpan Break = TimeSpan.FromSeconds(15);
    private readonly FakeTimeProvider _time = new();
    private readonly List<(LlmCircuitState From, LlmCircuitState To, LlmFailureKind? Cause)> _transitions = [];

    private long Now => _time.GetTimestamp();

    [Fact]
    public void TryAcquire_Closed_AllowsWithoutProbe()
    {
        var breaker = Create();

        Assert.True(breaker.TryAcquire(Now, out var probe));
        Assert.Equal(0, probe);
        Assert.Equal(LlmCircuitState.Closed, breaker.State);
    }

    [Fact]
    public void OnFailure_ConsecutiveLimitReached_Opens()
    {
        var breaker = Create(o => o.ConsecutiveFailures = 3);

        Fail(breaker, 2);
        Assert.Equal(LlmCircuitState.Closed, breaker.State);
        Assert.Equal(2, breaker.ConsecutiveFailures);

        Fail(breaker, 1, LlmFailureKind.Timeout);

        Assert.Equal(LlmCircuitState.Open, breaker.State);
        Assert.Equal(LlmFailureKind.Timeout, breaker.LastFailureKind);
        Assert.Equal(Now + (long)(Break.TotalSeconds * _time.TimestampFrequency), breaker.OpenUntil);
        Assert.Equal([(LlmCircuitState.Closed, LlmCircuitState.Open, LlmFailureKind.Timeout)], _transitions);
    }

    [Fact]
    public void OnSuccess_BetweenFailures_ResetsTheConsecutiveCount()
    {
        var breaker = Create(o => o.ConsecutiveFailures = 3);

        Fail(breaker, 2);
        breaker.OnSuccess(Now, probe: 0);
        Fail(breaker, 2);

        Assert.Equal(LlmCircuitState.Closed, breaker.State);
        Assert.Equal(2, breaker.ConsecutiveFailures);
    }

    [Fact]
    public void OnFailure_RatioReachedAtMinimumThroughput_Opens()
    {
        var breaker = Create(o => { o.ConsecutiveFailures = 0; o.MinimumThroughput = 10; o.FailureRatio = 0.5; });

        Succeed(breaker, 5);
        Fail(breaker, 4);
        Assert.Equal(LlmCircuitState.Closed, breaker.State); // 4 of 9: below the minimum throughput

        Fail(breaker, 1);

        Assert.Equal(LlmCircuitState.Open, breaker.State); // 5 of 10
    }

    [Fact]
    public void OnFailure_RatioBelowThreshold_StaysClosed()
    {
        var breaker = Create(o => { o.ConsecutiveFailures = 0; o.MinimumThroughput = 10; o.FailureRatio = 0.5; });

        for (var i = 0; i < 20; i++)
        {
            // Two failures in every five calls: 40%, below the 50% threshold at every point.
            if (i % 5 is 0 or 3)
            {
                Fail(breaker, 1);
            }
            else
            {
                Succeed(breaker, 1);
            }
        }

        Assert.Equal(LlmCircuitState.Closed, breaker.State);
    }

    [Fact]
    public void OnFailure_BelowMinimumThroughput_NeverOpensOnRatio()
    {
        var breaker = Create(o => { o.ConsecutiveFailures = 0; o.MinimumThroughput = 10; });

        Fail(breaker, 9);

        Assert.Equal(LlmCircuitState.Closed, breaker.State);
    }

    [Fact]
    public void OnFailure_OldFailuresAgedOutOfTheWindow_DoNotCount()
    {
        var breaker = Create(o => { o.ConsecutiveFailures = 0; o.MinimumThroughput = 4; o.FailureRatio = 0.5; o.SamplingDuration = TimeSpan.FromSeconds(30); });

        Fail(breaker, 3);
        _time.Advance(TimeSpan.FromSeconds(31));
        Succeed(breaker, 2);
        Fail(breaker, 1);

        Assert.Equal(LlmCircuitState.Closed, breaker.State); // 1 of 3 in the window

        Fail(breaker, 1);

        Assert.Equal(LlmCircuitState.Open, breaker.State); // 2 of 4
    }

    [Fact]
    public void OnFailure_FailuresStillInsideTheWindow_Count()
    {
        var breaker = Create(o => { o.ConsecutiveFailures = 0; o.MinimumThroughput = 4; o.FailureRatio = 0.5; o.SamplingDuration = TimeSpan.FromSeconds(30); });

        Fail(breaker, 3);
        _time.Advance(TimeSpan.FromSeconds(20));
        Succeed(breaker, 1);

        Fail(breaker, 1);

        Assert.Equal(LlmCircuitState.Open, breaker.State);
    }

    [Fact]
    public void TryAcquire_OpenBeforeTheBreakEnds_Refuses()
    {
        var breaker = Opened();

        _time.Advance(Break - TimeSpan.FromMilliseconds(1));

        Assert.False(breaker.TryAcquire(Now, out var probe));
        Assert.Equal(0, probe);
        Assert.Equal(LlmCircuitState.Open, breaker.State);
    }

    [Fact]
    public void TryAcquire_BreakEnded_LetsOneProbeThrough()
    {
        var breaker = Opened();
        _time.Advance(Break);

        Assert.True(breaker.TryAcquire(Now, out var probe));
        Assert.NotEqual(0, probe);
        Assert.Equal(LlmCircuitState.HalfOpen, breaker.State);

        Assert.False(breaker.TryAcquire(Now, out var second));
        Assert.Equal(0, second);
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.False(breaker.TryAcquire(Now, out _));
        Assert.Equal((LlmCircuitState.Open, LlmCircuitState.HalfOpen, (LlmFailureKind?)null), _transitions[^1]);
    }

    [Fact]
    public void OnSuccess_Probe_ClosesAndForgetsOldFailures()
    {
        var breaker = Create(o => o.ConsecutiveFailures = 2);
        Fail(breaker, 2);
        Assert.Equal(2, breaker.ConsecutiveFailures);
        _time.Advance(Break);
        Assert.True(breaker.TryAcquire(Now, out var probe));

        breaker.OnSuccess(Now, probe);

        Assert.Equal(LlmCircuitState.Closed, breaker.State);
        Assert.Equal(0, breaker.ConsecutiveFailures);
        Assert.Equal((LlmCircuitState.HalfOpen, LlmCircuitState.Closed, (LlmFailureKind?)null), _transitions[^1]);
        Fail(breaker, 1);
        Assert.Equal(LlmCircuitState.Closed, breaker.State);
        Assert.True(breaker.TryAcquire(Now, out var next));
        Assert.Equal(0, next);
    }

    [Fact]
    public void OnFailure_Probe_ReopensForAnotherBreak()
    {
        var breaker = Opened();
        _time.Advance(Break);
        Assert.True(breaker.TryAcquire(Now, out var probe));

        breaker.OnFailure(Now, probe, LlmFailureKind.Transport);

        Assert.Equal(LlmCircuitState.Open, breaker.State);
        Assert.Equal((LlmCircuitState.HalfOpen, LlmCircuitState.Open, (LlmFailureKind?)LlmFailureKind.Transport), _transitions[^1]);
        Assert.False(breaker.TryAcquire(Now, out _));
        _time.Advance(Break - TimeSpan.FromMilliseconds(1));
        Assert.False(breaker.TryAcquire(Now, out _));
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(breaker.TryAcquire(Now, out var again));
        Assert.NotEqual(0, again);
    }

    [Fact]
    public void OnNeutral_Probe_ReleasesThePermit()
    {
        var breaker = Opened();
        _time.Advance(Break);
        Assert.True(breaker.TryAcquire(Now, out var probe));

        breaker.OnNeutral(probe);

        Assert.Equal(LlmCircuitState.HalfOpen, breaker.State);
        Assert.True(breaker.TryAcquire(Now, out var next));
        Assert.NotEqual(0, next);
        Assert.False(breaker.TryAcquire(Now, out _));
    }

    [Fact]
    public void OnNeutral_NotAProbe_KeepsThePermitTaken()
    {
        var breaker = Opened();
        _time.Advance(Break);
        Assert.True(breaker.TryAcquire(Now, out _));

        breaker.OnNeutral(probe: 0);

        Assert.False(breaker.TryAcquire(Now, out _));
    }

    [Fact]
    public void TryAcquire_ProbeLostForLongerThanABreak_IsReplaced()
    {
        var breaker = Opened();
        _time.Advance(Break);
        Assert.True(breaker.TryAcquire(Now, out _));

        _time.Advance(Break);
        Assert.False(breaker.TryAcquire(Now, out _)); // exactly one break: still waiting

        _time.Advance(TimeSpan.FromTicks(1));
        Assert.True(breaker.TryAcquire(Now, out var replacement));
        Assert.NotEqual(0, replacement);
        Assert.False(breaker.TryAcquire(Now, out _));
    }

    [Fact]
    public void OnNeutral_LostProbeReportsAfterItWasReplaced_DoesNotFreeTheReplacementsPermit()
    {
        var breaker = Opened();
        _time.Advance(Break);
        Assert.True(breaker.TryAcquire(Now, out var lost));
        _time.Advance(Break + TimeSpan.FromTicks(1));
        Assert.True(breaker.TryAcquire(Now, out var replacement));
        Assert.NotEqual(lost, replacement);

        breaker.OnNeutral(lost);

        Assert.False(breaker.TryAcquire(Now, out _)); // still exactly one probe in flight
        breaker.OnNeutral(replacement);
        Assert.True(breaker.TryAcquire(Now, out var next));
        Assert.NotEqual(0, next);
    }

    [Fact]
    public void OnFailure_LostProbeFailsAfterItsReplacementClosedTheBreaker_CountsAsOneOrdinaryFailure()
    {
        var breaker = Opened(o => o.ConsecutiveFailures = 3);
        _time.Advance(Break);
        Assert.True(breaker.TryAcquire(Now, out var lost));
        _time.Advance(Break + TimeSpan.FromSeconds(1));
        Assert.True(breaker.TryAcquire(Now, out var replacement));
        breaker.OnSuccess(Now, replacement);
        Assert.Equal(LlmCircuitState.Closed, breaker.State);

        // The first probe finally times out (attempt timeouts are longer than breaks).
        breaker.OnFailure(Now, lost, LlmFailureKind.Timeout);

        Assert.Equal(LlmCircuitState.Closed, breaker.State);
        Assert.Equal(1, breaker.ConsecutiveFailures);
    }

    [Fact]
    public void OnFailure_NotAProbeWhileOpen_IsIgnoredButRemembered()
    {
        var breaker = Opened();
        var until = breaker.OpenUntil;
        _time.Advance(TimeSpan.FromSeconds(5));

        breaker.OnFailure(Now, probe: 0, LlmFailureKind.RateLimited);

        Assert.Equal(until, breaker.OpenUntil);
        Assert.Equal(LlmFailureKind.RateLimited, breaker.LastFailureKind);
        Assert.Single(_transitions);
    }

    [Fact]
    public void OnSuccess_NotAProbeWhileOpen_KeepsItOpen()
    {
        var breaker = Opened();

        breaker.OnSuccess(Now, probe: 0);

        Assert.Equal(LlmCircuitState.Open, breaker.State);
    }

    [Fact]
    public void Isolate_Closed_OpensForTheLongerOfDurationAndBreak()
    {
        var breaker = Create();

        breaker.Isolate(Now, TimeSpan.FromMinutes(5), LlmFailureKind.Authentication);

        Assert.Equal(LlmCircuitState.Open, breaker.State);
        Assert.Equal(LlmFailureKind.Authentication, breaker.LastFailureKind);
        Assert.Equal((LlmCircuitState.Closed, LlmCircuitState.Open, (LlmFailureKind?)LlmFailureKind.Authentication), _transitions[^1]);
        _time.Advance(TimeSpan.FromMinutes(5) - TimeSpan.FromMilliseconds(1));
        Assert.False(breaker.TryAcquire(Now, out _));
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(breaker.TryAcquire(Now, out var probe));
        Assert.NotEqual(0, probe);
    }

    [Fact]
    public void Isolate_ShorterThanABreak_OpensForTheBreak()
    {
        var breaker = Create();

        breaker.Isolate(Now, TimeSpan.FromSeconds(1), LlmFailureKind.ModelNotFound);
        _time.Advance(TimeSpan.FromSeconds(2));

        Assert.False(breaker.TryAcquire(Now, out _));
    }

    [Fact]
    public void Isolate_AlreadyOpenForLonger_OnlyExtends()
    {
        var breaker = Create();
        breaker.Isolate(Now, TimeSpan.FromMinutes(10), LlmFailureKind.Authentication);
        var until = breaker.OpenUntil;

        breaker.Isolate(Now, TimeSpan.FromMinutes(1), LlmFailureKind.ModelNotFound);

        Assert.Equal(until, breaker.OpenUntil);
        Assert.Single(_transitions);
    }

    [Fact]
    public void Disabled_FailuresAndIsolation_NeverOpen()
    {
        var breaker = Create(o => o.Enabled = false);

        Fail(breaker, 100);
        breaker.Isolate(Now, TimeSpan.FromMinutes(5), LlmFailureKind.Authentication);

        Assert.Equal(LlmCircuitState.Closed, breaker.State);
        Assert.True(breaker.TryAcquire(Now, out var probe));
        Assert.Equal(0, probe);
        Assert.Null(breaker.LastFailureKind);
        Assert.Empty(_transitions);
    }

    [Fact]
    public void Transitioned_FullCycle_RaisesEachTransitionOnce()
    {
        var breaker = Create(o => o.ConsecutiveFailures = 1);

        Fail(breaker, 1, LlmFailureKind.ServerError);
        _time.Advance(Break);
        breaker.TryAcquire(Now, out var probe1);
        breaker.OnFailure(Now, probe1, LlmFailureKind.Timeout);
        _time.Advance(Break);
        breaker.TryAcquire(Now, out var probe2);
        breaker.OnSuccess(Now, probe2);

        Assert.Equal(
            [
                (LlmCircuitState.Closed, LlmCircuitState.Open, LlmFailureKind.ServerError),
                (LlmCircuitState.Open, LlmCircuitState.HalfOpen, null),
                (LlmCircuitState.HalfOpen, LlmCircuitState.Open, LlmFailureKind.Timeout),
                (LlmCircuitState.Open, LlmCircuitState.HalfOpen, null),
                (LlmCircuitState.HalfOpen, LlmCircuitState.Closed, null),
            ],
            _transitions);
    }

    [Fact]
    public async Task TryAcquire_ManyConcurrentCallersAfterTheBreak_OnlyOneProbe()
    {
        var breaker = Opened();
        _time.Advance(Break);
        var now = Now;
        var probes = 0;
        var allowed = 0;

        await Parallel.ForAsync(0, 200, TestContext.Current.CancellationToken, (_, _) =>
        {
            if (breaker.TryAcquire(now, out var probe))
            {
                Interlocked.Increment(ref allowed);
                if (probe != 0)
                {
                    Interlocked.Increment(ref probes);
                }
            }

            return ValueTask.CompletedTask;
        });

        Assert.Equal(1, probes);
        Assert.Equal(1, allowed);
    }

    private CircuitBreaker Create(Action<LlmCircuitBreakerOptions>? configure = null)
    {
        var options = new LlmCircuitBreakerOptions { BreakDuration = Break };
        configure?.Invoke(options);
        var breaker = new CircuitBreaker(options, _time);
        breaker.Transitioned += (from, to, cause) => _transitions.Add((from, to, cause));
        return breaker;
    }

    private CircuitBreaker Opened(Action<LlmCircuitBreakerOptions>? configure = null)
    {
        var breaker = Create(configure);
        breaker.Isolate(Now, TimeSpan.Zero, LlmFailureKind.ServerError);
        Assert.Equal(LlmCircuitState.Open, breaker.State);
        return breaker;
    }

    private void Fail(CircuitBreaker breaker, int count, LlmFailureKind kind = LlmFailureKind.ServerError)
    {
        for (var i = 0; i < count; i++)
        {
            breaker.OnFailure(Now, probe: 0, kind);
        }
    }

    private void Succeed(CircuitBreaker breaker, int count)
    {
        for (var i = 0; i < count; i++)
        {
            breaker.OnSuccess(Now, probe: 0);
        }
    }
}
