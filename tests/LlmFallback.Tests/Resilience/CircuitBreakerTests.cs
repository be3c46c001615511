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
        breaker.OnSuccess(probe: 0);
        Fail(breaker, 2);

        Assert.Equal(LlmCircuitState.Closed, breaker.State);
        Assert.Equal(2, breaker.ConsecutiveFailures);
    }

    [Fact]
    public void OnFailure_EveryCallFailedAtMinimumThroughput_Opens()
    {
        var breaker = Create(o => { o.ConsecutiveFailures = 0; o.MinimumThroughput = 10; o.FailureRatio = 0.5; });

        Fail(breaker, 9);
        Assert.Equal(LlmCircuitState.Closed, breaker.State); // 9 started: below the minimum throughput

        Fail(breaker, 1);

        Assert.Equal(LlmCircuitState.Open, breaker.State); // 10 of 10: 99.9% sure the ratio is at least 0.5
    }

    [Fact]
    public void OnFailure_HalfFailed_StaysClosedUntilTheRatioIsCertain()
    {
        var breaker = Create(o => { o.ConsecutiveFailures = 0; o.MinimumThroughput = 10; o.FailureRatio = 0.5; });

        // 5 of 10 failed, then failures only: 20 of 25 is an observed 80%, but not yet 99.9% sure to be at least 50%.
        Succeed(breaker, 5);
        Fail(breaker, 20);
        Assert.Equal(LlmCircuitState.Closed, breaker.State);

        Fail(breaker, 1);

        Assert.Equal(LlmCircuitState.Open, breaker.State); // 21 of 26: the Wilson lower bound reaches 0.5
    }

    [Fact]
    public void OnFailure_ThirtyPercentFailingForever_NeverOpens()
    {
        var breaker = Create(o => o.SamplingDuration = TimeSpan.FromSeconds(30));
        var random = new Random(1234);

        // 100,000 sequential calls, a tenth of a second apart, 30% failing: both rules at their defaults.
        for (var i = 0; i < 100_000; i++)
        {
            if (random.NextDouble() < 0.3)
            {
                Fail(breaker, 1);
            }
            else
            {
                Succeed(breaker, 1);
            }

            _time.Advance(TimeSpan.FromMilliseconds(100));
        }

        Assert.Equal(LlmCircuitState.Closed, breaker.State);
        Assert.Empty(_transitions);
    }

    [Fact]
    public void OnFailure_BurstOfFastFailuresWhileSuccessesStream_StaysClosed()
    {
        var breaker = Create();

        // 500 calls start together; the 150 that fail return at once while the 350 good ones are still streaming.
        var permits = new (long Probe, long Sequence)[500];
        var started = Now;
        for (var i = 0; i < permits.Length; i++)
        {
            Assert.True(breaker.TryAcquire(Now, out var probe));
            permits[i] = (probe, breaker.Sequence);
        }

        _time.Advance(TimeSpan.FromMilliseconds(5));
        for (var i = 0; i < 150; i++)
        {
            breaker.OnFailure(Now, permits[i].Probe, LlmFailureKind.ServerError, permits[i].Sequence, started);
        }

        Assert.Equal(LlmCircuitState.Closed, breaker.State);
        Assert.Equal(1, breaker.ConsecutiveFailures); // started together: one piece of sequential evidence
        _time.Advance(TimeSpan.FromSeconds(1));
        for (var i = 150; i < permits.Length; i++)
        {
            breaker.OnSuccess(permits[i].Probe);
        }

        Assert.Equal(LlmCircuitState.Closed, breaker.State);
    }

    [Fact]
    public void OnFailure_FewNewCallsWhileAnEarlierBurstCompletes_JudgesTheCompletions()
    {
        var breaker = Create();

        // 100 calls start together; they end between 20 s and 40 s later, 30% failing, while only one new call starts
        // every 5 s (the provider is cooling down or ramping up). Judged against the few new starts alone, the old
        // burst's failures would look like a dead provider.
        var burst = new (long Probe, long Sequence)[100];
        var started = Now;
        for (var i = 0; i < burst.Length; i++)
        {
            Assert.True(breaker.TryAcquire(Now, out var probe));
            burst[i] = (probe, breaker.Sequence);
        }

        _time.Advance(TimeSpan.FromSeconds(20));
        for (var i = 0; i < burst.Length; i++)
        {
            _time.Advance(TimeSpan.FromMilliseconds(200));
            if (i % 10 < 3)
            {
                breaker.OnFailure(Now, burst[i].Probe, LlmFailureKind.ServerError, burst[i].Sequence, started);
            }
            else
            {
                breaker.OnSuccess(burst[i].Probe);
            }

            if (i % 25 == 0)
            {
                Assert.True(breaker.TryAcquire(Now, out _));
            }
        }

        Assert.Equal(LlmCircuitState.Closed, breaker.State);
    }

    [Fact]
    public void OnFailure_CallsHangUntilTheyTimeOutAfterTheWindow_Opens()
    {
        var breaker = Create(o => o.ConsecutiveFailures = 0);
        var hanging = new Queue<(long Started, long Probe, long Sequence)>();

        // One call a second; every call hangs until its 120-second attempt timeout, four windows later.
        for (var second = 0; second < 300 && breaker.State == LlmCircuitState.Closed; second++)
        {
            Assert.True(breaker.TryAcquire(Now, out var probe));
            hanging.Enqueue((Now, probe, breaker.Sequence));
            while (hanging.Count > 0 && Now - hanging.Peek().Started >= 120 * _time.TimestampFrequency)
            {
                var call = hanging.Dequeue();
                breaker.OnFailure(Now, call.Probe, LlmFailureKind.Timeout, call.Sequence, call.Started);
            }

            _time.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.Equal(LlmCircuitState.Open, breaker.State);
        Assert.Equal(LlmFailureKind.Timeout, breaker.LastFailureKind);
    }

    [Fact]
    public void OnFailure_StalledStreamsTimeOutAfterTrafficDrained_StaysClosed()
    {
        var breaker = Create();
        var stalled = new Queue<(long Started, long Probe, long Sequence)>();

        // 20 calls a second for a minute, 70% answering within a second, 30% failing: a quarter of the failures are
        // streams that stall and time out 35 s later, the rest fail at once. Then the traffic stops, and the stalled
        // streams of the last 35 s keep timing out, into a window where nothing else starts.
        var random = new Random(7);
        for (var tick = 0; tick < 60 * 20; tick++)
        {
            for (var i = 0; i < 1; i++)
            {
                Assert.True(breaker.TryAcquire(Now, out var probe));
                var roll = random.NextDouble();
                if (roll < 0.075)
                {
                    stalled.Enqueue((Now, probe, breaker.Sequence));
                }
                else if (roll < 0.3)
                {
                    breaker.OnFailure(Now, probe, LlmFailureKind.ServerError, breaker.Sequence, Now);
                }
                else
                {
                    breaker.OnSuccess(probe);
                }
            }

            TimeOut(stalled, breaker);
            _time.Advance(TimeSpan.FromMilliseconds(50));
        }

        Assert.Equal(LlmCircuitState.Closed, breaker.State);
        var left = stalled.Count;
        for (var second = 0; second < 40; second++)
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            TimeOut(stalled, breaker);
        }

        Assert.True(left >= 30, $"the drain must hold many stalled streams ({left})");
        Assert.Empty(stalled);
        Assert.Equal(LlmCircuitState.Closed, breaker.State);
        Assert.Empty(_transitions);

        void TimeOut(Queue<(long Started, long Probe, long Sequence)> calls, CircuitBreaker b)
        {
            while (calls.Count > 0 && Now - calls.Peek().Started >= 35 * _time.TimestampFrequency)
            {
                var call = calls.Dequeue();
                b.OnFailure(Now, call.Probe, LlmFailureKind.Timeout, call.Sequence, call.Started);
            }
        }
    }

    [Fact]
    public void OnFailure_LongCallsOfADeadCohortFailLate_Opens()
    {
        var breaker = Create(o => o.ConsecutiveFailures = 0);
        var started = Now;
        var calls = new (long Probe, long Sequence)[40];
        for (var i = 0; i < calls.Length; i++)
        {
            Assert.True(breaker.TryAcquire(Now, out var probe));
            calls[i] = (probe, breaker.Sequence);
        }

        // Every call of the cohort stalls and times out 45 s later, after the window moved on: judged with its cohort.
        _time.Advance(TimeSpan.FromSeconds(45));
        for (var i = 0; i < calls.Length && breaker.State == LlmCircuitState.Closed; i++)
        {
            breaker.OnFailure(Now, calls[i].Probe, LlmFailureKind.Timeout, calls[i].Sequence, started);
        }

        Assert.Equal(LlmCircuitState.Open, breaker.State);
        Assert.Equal((0, 0), breaker.GetWindow(Now)); // the current window has seen no call start
    }

    [Fact]
    public void OnFailure_CallOlderThanTheRetainedWindows_IsNotJudgedByTheRatio()
    {
        var breaker = Create(o => { o.ConsecutiveFailures = 0; o.MinimumThroughput = 1; });
        var started = Now;
        Assert.True(breaker.TryAcquire(Now, out var probe));
        var sequence = breaker.Sequence;

        _time.Advance(TimeSpan.FromSeconds(30 * CohortWindow.RetainedWindows));
        breaker.OnFailure(Now, probe, LlmFailureKind.Timeout, sequence, started);

        Assert.Equal(LlmCircuitState.Closed, breaker.State);
    }

    [Fact]
    public void OnFailure_BurstWhereEveryCallFails_Opens()
    {
        var breaker = Create();
        var permits = new (long Probe, long Sequence)[64];
        var started = Now;
        for (var i = 0; i < permits.Length; i++)
        {
            Assert.True(breaker.TryAcquire(Now, out var probe));
            permits[i] = (probe, breaker.Sequence);
        }

        for (var i = 0; i < permits.Length && breaker.State == LlmCircuitState.Closed; i++)
        {
            breaker.OnFailure(Now, permits[i].Probe, LlmFailureKind.ServerError, permits[i].Sequence, started);
        }

        Assert.Equal(LlmCircuitState.Open, breaker.State);
    }

    [Fact]
    public void OnNeutral_ClosedCall_DoesNotDiluteTheRatio()
    {
        var breaker = Create(o => { o.ConsecutiveFailures = 0; o.MinimumThroughput = 10; });

        // A hundred rejected bad requests, then a provider that fails every call: still opens after ten failures.
        for (var i = 0; i < 100; i++)
        {
            Assert.True(breaker.TryAcquire(Now, out var probe));
            breaker.OnNeutral(probe, Now);
        }

        Fail(breaker, 10);

        Assert.Equal(LlmCircuitState.Open, breaker.State);
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
        var breaker = Create(o => { o.ConsecutiveFailures = 0; o.MinimumThroughput = 4; o.SamplingDuration = TimeSpan.FromSeconds(30); });

        Fail(breaker, 3);
        _time.Advance(TimeSpan.FromSeconds(31));
        Fail(breaker, 3);

        Assert.Equal(LlmCircuitState.Closed, breaker.State); // 3 in the window: below the minimum throughput

        Fail(breaker, 1);
        Assert.Equal(LlmCircuitState.Closed, breaker.State); // 4 of 4, but four calls cannot make the ratio certain
        Assert.Equal((4, 4), breaker.GetWindow(Now));
    }

    [Fact]
    public void OnFailure_FailuresStillInsideTheWindow_Count()
    {
        var breaker = Create(o => { o.ConsecutiveFailures = 0; o.MinimumThroughput = 4; o.SamplingDuration = TimeSpan.FromSeconds(30); });

        Fail(breaker, 5);
        _time.Advance(TimeSpan.FromSeconds(20));

        Fail(breaker, 5);

        Assert.Equal(LlmCircuitState.Open, breaker.State); // 10 of 10 within 30 s
    }

    [Theory]
    [InlineData(10, 10, true)]
    [InlineData(9, 10, false)]
    [InlineData(17, 20, true)]
    [InlineData(16, 20, false)]
    [InlineData(150, 500, false)]
    [InlineData(0, 0, false)]
    public void WilsonLowerBound_HandComputedCases(int failed, int started, bool atLeastHalf) =>
        Assert.Equal(atLeastHalf, CircuitBreaker.WilsonLowerBound(failed, started) >= 0.5);

    [Fact]
    public void OnFailure_SequentialStreak_OpensAtTheLimit()
    {
        var breaker = Create(o => { o.ConsecutiveFailures = 3; o.MinimumThroughput = 1000; });

        Fail(breaker, 2);
        Assert.Equal(LlmCircuitState.Closed, breaker.State);
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

        breaker.OnSuccess(probe);

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

        breaker.OnFailure(Now, probe, LlmFailureKind.Transport, breaker.Sequence, Now);

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

        breaker.OnNeutral(probe, Now);

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

        breaker.OnNeutral(probe: 0, Now);

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
    public void ProbeReplacedAt_IsTheFirstMomentTheReplacementIsHandedOut()
    {
        var breaker = Opened();
        Assert.Equal(0, breaker.ProbeReplacedAt);
        _time.Advance(Break);
        Assert.True(breaker.TryAcquire(Now, out _));

        var replacedAt = breaker.ProbeReplacedAt;

        Assert.False(breaker.TryAcquire(replacedAt - 1, out _));
        Assert.True(breaker.TryAcquire(replacedAt, out var replacement));
        breaker.OnNeutral(replacement, replacedAt);
        Assert.Equal(0, breaker.ProbeReplacedAt); // no probe out
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

        breaker.OnNeutral(lost, Now);

        Assert.False(breaker.TryAcquire(Now, out _)); // still exactly one probe in flight
        breaker.OnNeutral(replacement, Now);
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
        breaker.OnSuccess(replacement);
        Assert.Equal(LlmCircuitState.Closed, breaker.State);

        // The first probe finally times out (attempt timeouts are longer than breaks).
        breaker.OnFailure(Now, lost, LlmFailureKind.Timeout, breaker.Sequence, Now);

        Assert.Equal(LlmCircuitState.Closed, breaker.State);
        Assert.Equal(1, breaker.ConsecutiveFailures);
    }

    [Fact]
    public void OnFailure_NotAProbeWhileOpen_IsIgnoredButRemembered()
    {
        var breaker = Opened();
        var until = breaker.OpenUntil;
        _time.Advance(TimeSpan.FromSeconds(5));

        breaker.OnFailure(Now, probe: 0, LlmFailureKind.RateLimited, breaker.Sequence, Now);

        Assert.Equal(until, breaker.OpenUntil);
        Assert.Equal(LlmFailureKind.RateLimited, breaker.LastFailureKind);
        Assert.Single(_transitions);
    }

    [Fact]
    public void OnSuccess_NotAProbeWhileOpen_KeepsItOpen()
    {
        var breaker = Opened();

        breaker.OnSuccess(probe: 0);

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
        breaker.OnFailure(Now, probe1, LlmFailureKind.Timeout, breaker.Sequence, Now);
        _time.Advance(Break);
        breaker.TryAcquire(Now, out var probe2);
        breaker.OnSuccess(probe2);

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

    [Fact]
    public async Task OnSuccess_ProbeRacingAnIsolation_NeverUndoesTheOpening()
    {
        // Whatever the order, the isolation wins: it either follows the probe's close or makes the probe stale.
        for (var i = 0; i < 2000; i++)
        {
            var breaker = Opened();
            _time.Advance(Break);
            Assert.True(breaker.TryAcquire(Now, out var probe));
            using var start = new Barrier(2);
            var now = Now;
            await Task.WhenAll(
                Task.Run(() => { start.SignalAndWait(TestContext.Current.CancellationToken); breaker.OnSuccess(probe); }, TestContext.Current.CancellationToken),
                Task.Run(() => { start.SignalAndWait(TestContext.Current.CancellationToken); breaker.Isolate(now, TimeSpan.FromMinutes(1), LlmFailureKind.Authentication); }, TestContext.Current.CancellationToken));

            Assert.Equal(LlmCircuitState.Open, breaker.State);
        }
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

    /// <summary>Sequential failed calls: each starts (takes a permit) after the previous one's failure was seen.</summary>
    private void Fail(CircuitBreaker breaker, int count, LlmFailureKind kind = LlmFailureKind.ServerError)
    {
        for (var i = 0; i < count; i++)
        {
            var allowed = breaker.TryAcquire(Now, out var probe);
            var sequence = breaker.Sequence;
            breaker.OnFailure(Now, allowed ? probe : 0, kind, sequence, Now);
        }
    }

    private void Succeed(CircuitBreaker breaker, int count)
    {
        for (var i = 0; i < count; i++)
        {
            Assert.True(breaker.TryAcquire(Now, out var probe));
            breaker.OnSuccess(probe);
        }
    }
}
