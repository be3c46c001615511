using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;

namespace LlmFallback.Tests.Replicas;

public class ReplicaPoolTests
{
    [Fact]
    public void Select_Weighted_FollowsSmoothWeightedSequence()
    {
        var (pool, _, _) = Create(LlmReplicaBalancing.Weighted, [5, 1, 1]);

        var sequence = new List<int>();
        for (var i = 0; i < 14; i++)
        {
            var pick = pool.Select();
            sequence.Add(pick.Replica.Index);
            pool.OnSuccess(pick);
            ReplicaPool.Release(pick);
        }

        Assert.Equal([0, 0, 1, 0, 2, 0, 0, 0, 0, 1, 0, 2, 0, 0], sequence);
    }

    [Fact]
    public void Select_Weighted_IgnoresRequestsInFlight()
    {
        var (pool, _, _) = Create(LlmReplicaBalancing.Weighted, [3, 2]);

        var sequence = new List<int>();
        for (var i = 0; i < 5; i++)
        {
            sequence.Add(pool.Select().Replica.Index);
        }

        Assert.Equal([0, 1, 0, 1, 0], sequence);
        Assert.Equal([3, 2], InFlight(pool));
    }

    [Fact]
    public void Select_LeastInFlightWithIdleReplicas_BreaksTiesByWeight()
    {
        var (pool, _, _) = Create(LlmReplicaBalancing.LeastInFlight, [2, 1]);

        var sequence = new List<int>();
        for (var i = 0; i < 6; i++)
        {
            var pick = pool.Select();
            sequence.Add(pick.Replica.Index);
            ReplicaPool.Release(pick);
        }

        // Every replica idle each time: the tie-break is the weighted order a b a.
        Assert.Equal([0, 1, 0, 0, 1, 0], sequence);
    }

    [Fact]
    public void Select_LeastInFlightWithHeldRequests_BalancesLoadPerUnitOfWeight()
    {
        var (pool, _, _) = Create(LlmReplicaBalancing.LeastInFlight, [2, 1]);

        var sequence = new List<int>();
        for (var i = 0; i < 6; i++)
        {
            sequence.Add(pool.Select().Replica.Index);
        }

        // Hand-computed (load = in flight / weight, scan starts at the weighted order a b a, strictly lower wins):
        // a(0/2) | b(0/1 < 1/2) | a(1/2 < 1/1) | a: tie 2/2 = 1/1, a starts | b(1/1 < 3/2) | a(3/2 < 2/1)
        Assert.Equal([0, 1, 0, 0, 1, 0], sequence);
        Assert.Equal([4, 2], InFlight(pool));
    }

    [Fact]
    public void Select_LeastInFlight_SendsToTheReplicaThatFinished()
    {
        var (pool, _, _) = Create(LlmReplicaBalancing.LeastInFlight, [1, 1, 1]);
        var a = pool.Select();
        var b = pool.Select();
        var c = pool.Select();
        Assert.Equal([0, 1, 2], new[] { a.Replica.Index, b.Replica.Index, c.Replica.Index });

        ReplicaPool.Release(b);

        Assert.Equal(1, pool.Select().Replica.Index);
        Assert.Equal([1, 1, 1], InFlight(pool));
    }

    [Fact]
    public void OnFailure_ConsecutiveFailuresReachThreshold_EjectsAndLogs()
    {
        var (pool, time, logger) = Create(LlmReplicaBalancing.Weighted, [1, 1], h => h.ConsecutiveFailures = 2);

        Fail(pool, 0, LlmFailureKind.ServerError);
        Succeed(pool, 1);
        Fail(pool, 0, LlmFailureKind.Transport);

        var a = pool.GetHealth()[0];
        Assert.Equal(LlmReplicaState.Ejected, a.State);
        Assert.Equal(time.GetUtcNow() + TimeSpan.FromSeconds(10), a.AvailableAt);
        Assert.Equal(2, a.ConsecutiveFailures);
        Assert.Equal(1, a.Ejections);
        Assert.Equal(LlmFailureKind.Transport, a.LastFailureKind);
        Assert.Equal([1, 1, 1, 1], Picks(pool, 4));

        var log = Assert.Single(logger.Collector.GetSnapshot(), r => r.Id.Id == 101);
        Assert.Equal(LogLevel.Warning, log.Level);
        Assert.Contains("http://10.0.0.1:8000/v1", log.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", log.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OnSuccess_BetweenFailures_ResetsTheCount()
    {
        var (pool, _, _) = Create(LlmReplicaBalancing.Weighted, [1, 1], h => h.ConsecutiveFailures = 2);

        Fail(pool, 0, LlmFailureKind.ServerError);
        Succeed(pool, 1);
        Succeed(pool, 0);
        Succeed(pool, 1);
        Fail(pool, 0, LlmFailureKind.ServerError);

        var a = pool.GetHealth()[0];
        Assert.Equal(LlmReplicaState.Healthy, a.State);
        Assert.Equal(1, a.ConsecutiveFailures);
    }

    [Fact]
    public void Select_EjectionOver_LetsExactlyOneProbeThroughThenRecovers()
    {
        var (pool, time, logger) = Create(LlmReplicaBalancing.Weighted, [1, 1], h => h.ConsecutiveFailures = 1);
        Fail(pool, 0, LlmFailureKind.ServerError);

        time.Advance(TimeSpan.FromSeconds(10) - TimeSpan.FromMilliseconds(1));
        Assert.Equal([1, 1], Picks(pool, 2));

        time.Advance(TimeSpan.FromMilliseconds(1));
        var probe = pool.Select();
        Assert.Equal(0, probe.Replica.Index);
        Assert.True(probe.Probe);
        Assert.True(probe.Claimed);
        Assert.True(pool.GetHealth()[0].IsProbing);
        Assert.Equal([1, 1, 1], Picks(pool, 3));

        pool.OnSuccess(probe);
        ReplicaPool.Release(probe);

        var a = pool.GetHealth()[0];
        Assert.Equal(LlmReplicaState.Healthy, a.State);
        Assert.Null(a.AvailableAt);
        Assert.Equal(0, a.ConsecutiveFailures);
        Assert.Contains(Picks(pool, 2), i => i == 0);
        Assert.Single(logger.Collector.GetSnapshot(), r => r.Id.Id == 102);
    }

    [Fact]
    public void OnFailure_ProbeFails_EjectsForDoubleTheTimeUpToTheMaximum()
    {
        var (pool, time, _) = Create(LlmReplicaBalancing.Weighted, [1, 1], h =>
        {
            h.ConsecutiveFailures = 1;
            h.BaseEjectionTime = TimeSpan.FromSeconds(10);
            h.MaxEjectionTime = TimeSpan.FromSeconds(30);
        });
        Fail(pool, 0, LlmFailureKind.ServerError);

        foreach (var expected in new[] { 20, 30, 30 })
        {
            time.Advance(pool.GetHealth()[0].AvailableAt!.Value - time.GetUtcNow());
            var probe = pool.Select();
            Assert.True(probe.Claimed);
            pool.OnFailure(probe, LlmFailureKind.Transport);
            ReplicaPool.Release(probe);

            var a = pool.GetHealth()[0];
            Assert.Equal(LlmReplicaState.Ejected, a.State);
            Assert.Equal(time.GetUtcNow() + TimeSpan.FromSeconds(expected), a.AvailableAt);
        }

        Assert.Equal(4, pool.GetHealth()[0].Ejections);
    }

    [Fact]
    public void OnFailure_ReplicaStayedBackForMaxEjectionTime_StartsOverFromBaseTime()
    {
        var (pool, time, _) = Create(LlmReplicaBalancing.Weighted, [1, 1], h =>
        {
            h.ConsecutiveFailures = 1;
            h.MaxEjectionTime = TimeSpan.FromSeconds(60);
        });
        Fail(pool, 0, LlmFailureKind.ServerError);
        Recover(pool, time);

        // Soon after coming back: the next ejection is twice as long.
        Fail(pool, 0, LlmFailureKind.ServerError);
        Assert.Equal(time.GetUtcNow() + TimeSpan.FromSeconds(20), pool.GetHealth()[0].AvailableAt);
        Recover(pool, time);

        // A minute of good behaviour later: back to the base time.
        time.Advance(TimeSpan.FromSeconds(60));
        Fail(pool, 0, LlmFailureKind.ServerError);
        Assert.Equal(time.GetUtcNow() + TimeSpan.FromSeconds(10), pool.GetHealth()[0].AvailableAt);
        Assert.Equal(1, pool.GetHealth()[0].Ejections);
    }

    [Fact]
    public void OnFailure_LastReplicaInRotation_IsNeverEjected()
    {
        var (pool, _, logger) = Create(LlmReplicaBalancing.Weighted, [1, 1], h => h.ConsecutiveFailures = 1);
        Fail(pool, 0, LlmFailureKind.ServerError);

        for (var i = 0; i < 5; i++)
        {
            Fail(pool, 1, LlmFailureKind.ServerError);
        }

        var b = pool.GetHealth()[1];
        Assert.Equal(LlmReplicaState.Healthy, b.State);
        Assert.Equal(5, b.ConsecutiveFailures);
        Assert.Equal([1, 1, 1], Picks(pool, 3));
        Assert.Equal(5, logger.Collector.GetSnapshot().Count(r => r.Id.Id == 104));
    }

    [Fact]
    public void OnFailure_RequestSentBeforeTheEjection_DoesNotExtendIt()
    {
        var (pool, time, _) = Create(LlmReplicaBalancing.Weighted, [1, 1], h => h.ConsecutiveFailures = 1);
        var first = pool.Select();
        _ = pool.Select();
        var late = pool.Select();
        Assert.Equal(0, late.Replica.Index);

        pool.OnFailure(first, LlmFailureKind.ServerError);
        var until = pool.GetHealth()[0].AvailableAt;
        time.Advance(TimeSpan.FromSeconds(5));
        pool.OnFailure(late, LlmFailureKind.ServerError);
        pool.OnSuccess(late);

        var a = pool.GetHealth()[0];
        Assert.Equal(LlmReplicaState.Ejected, a.State);
        Assert.Equal(until, a.AvailableAt);
        Assert.Equal(1, a.Ejections);
    }

    [Fact]
    public void OnNeutral_Probe_GivesThePermitBack()
    {
        var (pool, time, _) = Create(LlmReplicaBalancing.Weighted, [1, 1], h => h.ConsecutiveFailures = 1);
        Fail(pool, 0, LlmFailureKind.ServerError);
        time.Advance(TimeSpan.FromSeconds(10));

        var probe = pool.Select();
        Assert.True(probe.Claimed);
        pool.OnNeutral(probe);
        ReplicaPool.Release(probe);

        var again = pool.Select();
        Assert.Equal(0, again.Replica.Index);
        Assert.True(again.Claimed);
    }

    [Fact]
    public void Select_ProbeNeverReported_IsReplacedAfterTheLongestEjection()
    {
        var (pool, time, _) = Create(LlmReplicaBalancing.Weighted, [1, 1], h => h.ConsecutiveFailures = 1);
        Fail(pool, 0, LlmFailureKind.ServerError);
        time.Advance(TimeSpan.FromSeconds(10));
        Assert.True(pool.Select().Claimed);

        time.Advance(TimeSpan.FromMinutes(3) - TimeSpan.FromMilliseconds(1));
        Assert.False(pool.Select().Claimed);
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(pool.Select().Claimed);
    }

    [Fact]
    public void OnResponse_429WithRetryAfter_CoolsOnlyThatReplicaAndHidesTheWait()
    {
        var (pool, time, _) = Create(LlmReplicaBalancing.Weighted, [1, 1]);
        var pick = pool.Select();
        using var response = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
        response.Headers.TryAddWithoutValidation("Retry-After", "3");

        Assert.True(pool.OnResponse(pick, response));
        ReplicaPool.Release(pick);

        Assert.False(response.Headers.Contains("Retry-After"));
        var health = pool.GetHealth();
        Assert.Equal(LlmReplicaState.CoolingDown, health[0].State);
        Assert.Equal(time.GetUtcNow() + TimeSpan.FromSeconds(3), health[0].AvailableAt);
        Assert.Equal(0, health[0].ConsecutiveFailures);
        Assert.Equal(LlmFailureKind.RateLimited, health[0].LastFailureKind);
        Assert.Equal(LlmReplicaState.Healthy, health[1].State);
        Assert.Equal([1, 1, 1], Picks(pool, 3));

        time.Advance(TimeSpan.FromSeconds(3));
        var next = pool.Select();
        Assert.False(next.Probe);
        Assert.Equal(LlmReplicaState.Healthy, pool.GetHealth()[0].State);
        Assert.Contains(0, Picks(pool, 2));
    }

    [Fact]
    public void OnResponse_503WithRetryAfterMs_CoolsThatReplicaForThatLong()
    {
        var (pool, time, _) = Create(LlmReplicaBalancing.Weighted, [1, 1]);
        var pick = pool.Select();
        using var response = new HttpResponseMessage(HttpStatusCode.ServiceUnavailable);
        response.Headers.TryAddWithoutValidation("retry-after-ms", "1500");

        Assert.True(pool.OnResponse(pick, response));

        Assert.False(response.Headers.Contains("retry-after-ms"));
        Assert.Equal(time.GetUtcNow() + TimeSpan.FromMilliseconds(1500), pool.GetHealth()[0].AvailableAt);
        Assert.Equal(LlmFailureKind.ServerError, pool.GetHealth()[0].LastFailureKind);
    }

    [Fact]
    public void OnResponse_RetryAfterFromTheLastReplicaInRotation_KeepsTheHeader()
    {
        var (pool, time, _) = Create(LlmReplicaBalancing.Weighted, [1]);
        var pick = pool.Select();
        using var response = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
        response.Headers.TryAddWithoutValidation("Retry-After", "4");

        Assert.False(pool.OnResponse(pick, response));

        Assert.True(response.Headers.Contains("Retry-After"));
        Assert.Equal(LlmReplicaState.CoolingDown, pool.GetHealth()[0].State);
        Assert.Equal(time.GetUtcNow() + TimeSpan.FromSeconds(4), pool.GetHealth()[0].AvailableAt);
    }

    [Theory]
    [InlineData(HttpStatusCode.InternalServerError, LlmFailureKind.ServerError)]
    [InlineData(HttpStatusCode.BadGateway, LlmFailureKind.ServerError)]
    [InlineData(HttpStatusCode.ServiceUnavailable, LlmFailureKind.ServerError)]
    [InlineData((HttpStatusCode)529, LlmFailureKind.ServerError)]
    [InlineData(HttpStatusCode.TooManyRequests, LlmFailureKind.RateLimited)]
    public void OnResponse_FailureStatusWithoutRetryAfter_CountsAFailure(HttpStatusCode status, LlmFailureKind kind)
    {
        var (pool, _, _) = Create(LlmReplicaBalancing.Weighted, [1, 1], h => h.ConsecutiveFailures = 5);
        var pick = pool.Select();
        using var response = new HttpResponseMessage(status);

        Assert.False(pool.OnResponse(pick, response));

        Assert.Equal(1, pool.GetHealth()[0].ConsecutiveFailures);
        Assert.Equal(kind, pool.GetHealth()[0].LastFailureKind);
    }

    [Theory]
    [InlineData(HttpStatusCode.OK)]
    [InlineData(HttpStatusCode.BadRequest)]
    [InlineData(HttpStatusCode.NotFound)]
    public void OnResponse_AnsweredStatus_ResetsTheCount(HttpStatusCode status)
    {
        var (pool, _, _) = Create(LlmReplicaBalancing.Weighted, [1], h => h.ConsecutiveFailures = 5);
        Fail(pool, 0, LlmFailureKind.ServerError);
        var pick = pool.Select();
        using var response = new HttpResponseMessage(status);

        pool.OnResponse(pick, response);

        Assert.Equal(0, pool.GetHealth()[0].ConsecutiveFailures);
    }

    [Fact]
    public void Select_NothingInRotation_PicksTheReplicaBackSoonest()
    {
        var (pool, time, _) = Create(LlmReplicaBalancing.LeastInFlight, [1, 1, 1]);
        CoolDown(pool, 0, TimeSpan.FromSeconds(5));
        CoolDown(pool, 1, TimeSpan.FromSeconds(2));
        CoolDown(pool, 2, TimeSpan.FromSeconds(9));

        var pick = pool.Select();
        Assert.Equal(1, pick.Replica.Index);
        Assert.True(pick.Probe);
        Assert.False(pick.Claimed);

        // Its failure before its time is up changes nothing; its success puts it back at once.
        pool.OnFailure(pick, LlmFailureKind.RateLimited);
        Assert.Equal(time.GetUtcNow() + TimeSpan.FromSeconds(2), pool.GetHealth()[1].AvailableAt);
        pool.OnSuccess(pool.Select());
        Assert.Equal(LlmReplicaState.Healthy, pool.GetHealth()[1].State);
        Assert.Equal(1, pool.Select().Replica.Index);
    }

    [Fact]
    public void Classify_Cancellation_IsATimeoutOnlyWhenTheAttemptDeadlineFired()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        var cancelled = new OperationCanceledException(cts.Token);

        Assert.Null(ReplicaPool.Classify(cancelled, cancelled: true, attempt: null));
        Assert.Null(ReplicaPool.Classify(cancelled, cancelled: true, new LlmAttemptContext(() => false, cts.Token)));
        Assert.Equal(LlmFailureKind.Timeout, ReplicaPool.Classify(cancelled, cancelled: true, new LlmAttemptContext(() => true, cts.Token)));
    }

    [Fact]
    public void Classify_TransportFailureAfterTheCallerCancelled_CountsNothing()
    {
        Assert.Null(ReplicaPool.Classify(new IOException("aborted"), cancelled: true, attempt: null));
    }

    [Fact]
    public void Classify_TransportExceptions_AreFailuresAndOthersAreNot()
    {
        Assert.Equal(LlmFailureKind.Transport, ReplicaPool.Classify(new HttpRequestException("refused"), cancelled: false, attempt: null));
        Assert.Equal(LlmFailureKind.Transport, ReplicaPool.Classify(new IOException("reset"), cancelled: false, attempt: null));
        Assert.Equal(LlmFailureKind.Timeout, ReplicaPool.Classify(new TaskCanceledException("connect timeout", new TimeoutException()), cancelled: false, attempt: null));
        Assert.Null(ReplicaPool.Classify(new InvalidOperationException(), cancelled: false, attempt: null));
    }

    [Fact]
    public void Select_ConcurrentCallers_KeepsExactWeightsAndReleasesEverything()
    {
        var (pool, _, _) = Create(LlmReplicaBalancing.Weighted, [5, 1, 1]);
        var counts = new int[3];

        Parallel.For(0, 7000, new ParallelOptions { MaxDegreeOfParallelism = 4 }, _ =>
        {
            var pick = pool.Select();
            Interlocked.Increment(ref counts[pick.Replica.Index]);
            pool.OnSuccess(pick);
            ReplicaPool.Release(pick);
        });

        Assert.Equal([5000, 1000, 1000], counts);
        Assert.Equal([0, 0, 0], InFlight(pool));
    }

    [Fact]
    public void Select_ConcurrentFailuresAndRecoveries_NeverLosesTheLastReplica()
    {
        var (pool, time, _) = Create(LlmReplicaBalancing.LeastInFlight, [1, 2, 3], h => h.ConsecutiveFailures = 1);

        Parallel.For(0, 5000, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i =>
        {
            var pick = pool.Select();
            if (i % 3 == 0)
            {
                pool.OnFailure(pick, LlmFailureKind.ServerError);
            }
            else
            {
                pool.OnSuccess(pick);
            }

            ReplicaPool.Release(pick);
            if (i % 100 == 0)
            {
                lock (time)
                {
                    time.Advance(TimeSpan.FromSeconds(1));
                }
            }
        });

        var health = pool.GetHealth();
        Assert.Contains(health, r => r.State == LlmReplicaState.Healthy);
        Assert.All(health, r => Assert.Equal(0, r.InFlight));
    }

    [Theory]
    [InlineData(LlmReplicaBalancing.Weighted)]
    [InlineData(LlmReplicaBalancing.LeastInFlight)]
    public void Select_HotPath_AllocatesNothing(LlmReplicaBalancing balancing)
    {
        var pool = new ReplicaPool("local", "Llm:Providers:local", Options(balancing, [3, 2, 1]), TimeProvider.System, null);
        Cycle(pool, 100);

        var before = GC.GetAllocatedBytesForCurrentThread();
        Cycle(pool, 1000);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);

        static void Cycle(ReplicaPool pool, int count)
        {
            for (var i = 0; i < count; i++)
            {
                var pick = pool.Select();
                pool.OnSuccess(pick);
                ReplicaPool.Release(pick);
            }
        }
    }

    internal static (ReplicaPool Pool, FakeTimeProvider Time, FakeLogger Logger) Create(LlmReplicaBalancing balancing, int[] weights, Action<LlmReplicaHealthOptions>? health = null)
    {
        var options = Options(balancing, weights);
        health?.Invoke(options.ReplicaHealth);
        var time = new FakeTimeProvider();
        var logger = new FakeLogger();
        return (new ReplicaPool("local", "Llm:Providers:local", options, time, logger), time, logger);
    }

    private static LlmProviderOptions Options(LlmReplicaBalancing balancing, int[] weights)
    {
        var options = new LlmProviderOptions { Endpoint = new("http://localhost:8000/v1"), Balancing = balancing };
        for (var i = 0; i < weights.Length; i++)
        {
            var userInfo = i == 0 ? "admin:s3cret@" : string.Empty;
            options.Replicas.Add(new LlmReplicaOptions { Endpoint = new($"http://{userInfo}10.0.0.{i + 1}:8000/v1"), Weight = weights[i] });
        }

        return options;
    }

    private static int[] InFlight(ReplicaPool pool) => [.. pool.GetHealth().Select(r => r.InFlight)];

    private static int[] Picks(ReplicaPool pool, int count)
    {
        var result = new int[count];
        for (var i = 0; i < count; i++)
        {
            var pick = pool.Select();
            result[i] = pick.Replica.Index;
            ReplicaPool.Release(pick);
        }

        return result;
    }

    private static ReplicaPick PickOf(ReplicaPool pool, int index) => new(pool.Replicas[index], Probe: false, Claimed: false);

    private static void Fail(ReplicaPool pool, int index, LlmFailureKind kind) => pool.OnFailure(PickOf(pool, index), kind);

    private static void Succeed(ReplicaPool pool, int index) => pool.OnSuccess(PickOf(pool, index));

    private static void CoolDown(ReplicaPool pool, int index, TimeSpan delay) => pool.CoolDown(PickOf(pool, index), delay, LlmFailureKind.RateLimited);

    private static void Recover(ReplicaPool pool, FakeTimeProvider time)
    {
        time.Advance(pool.GetHealth()[0].AvailableAt!.Value - time.GetUtcNow());
        var probe = pool.Select();
        Assert.True(probe.Claimed);
        pool.OnSuccess(probe);
        ReplicaPool.Release(probe);
    }
}
