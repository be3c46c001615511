using System.Threading.RateLimiting;
using Microsoft.Extensions.Time.Testing;
using static LlmFallback.Tests.Metering.MeteringTestKit;

namespace LlmFallback.Tests.RateLimiting;

public sealed class LlmTokenBucketRateLimiterTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void TryAcquire_FullBucket_AllowsTheWholeLimitThenGivesTheExactRetryAfter()
    {
        using var limiter = new LlmTokenBucketRateLimiter(60, TimeSpan.FromMinutes(1), _time);

        for (var i = 0; i < 60; i++)
        {
            Assert.True(limiter.TryAcquire(1, out _));
        }

        Assert.False(limiter.TryAcquire(1, out var retryAfter));
        Assert.Equal(TimeSpan.FromSeconds(1), retryAfter);
        _time.Advance(TimeSpan.FromMilliseconds(999));
        Assert.False(limiter.TryAcquire(1, out retryAfter));
        Assert.Equal(TimeSpan.FromMilliseconds(1), retryAfter);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(limiter.TryAcquire(1, out _));
    }

    [Fact]
    public void TryAcquire_BillionTokensADay_CountsLargeRequestsAndStatisticsExactly()
    {
        // 2e8 tokens over a one-day window is 1.7e19 µs·tokens: past a long, where the cost used to wrap to 1 µs.
        using var limiter = new LlmTokenBucketRateLimiter(1_000_000_000, TimeSpan.FromDays(1), _time);
        Assert.Equal(1_000_000_000, limiter.GetStatistics()!.CurrentAvailablePermits);

        Assert.True(limiter.TryAcquire(200_000_000, out _));

        Assert.Equal(800_000_000, limiter.GetStatistics()!.CurrentAvailablePermits);
        Assert.False(limiter.TryAcquire(900_000_000, out var retryAfter));
        Assert.Equal(TimeSpan.FromDays(0.1), retryAfter);
    }

    [Fact]
    public void Add_FarMoreThanTheLimit_SaturatesTheDebtInsteadOfWrapping()
    {
        using var limiter = new LlmTokenBucketRateLimiter(10, TimeSpan.FromDays(1), _time);

        for (var i = 0; i < 8; i++)
        {
            limiter.Add(long.MaxValue);
        }

        Assert.Equal(0, limiter.GetStatistics()!.CurrentAvailablePermits);
        Assert.False(limiter.TryAcquire(1, out var retryAfter));
        Assert.True(retryAfter > TimeSpan.FromDays(365 * 1000), $"retry after {retryAfter}");
    }

    [Fact]
    public void TryAcquire_RefillsContinuously_HalfAWindowGivesHalfTheLimit()
    {
        using var limiter = new LlmTokenBucketRateLimiter(100, TimeSpan.FromMinutes(1), _time);
        Assert.True(limiter.TryAcquire(100, out _));

        _time.Advance(TimeSpan.FromSeconds(30));

        Assert.True(limiter.TryAcquire(50, out _));
        Assert.False(limiter.TryAcquire(1, out _));
    }

    [Fact]
    public void TryAcquire_MoreThanTheLimit_PassesOnAFullBucketAndLeavesDebt()
    {
        using var limiter = new LlmTokenBucketRateLimiter(1000, TimeSpan.FromMinutes(1), _time);

        Assert.True(limiter.TryAcquire(3000, out _));
        Assert.False(limiter.TryAcquire(1, out var retryAfter));

        // 3000 tokens refill in 3 minutes; one token fits once the bucket is back to 1 token below full: 2 min + 60 ms.
        Assert.Equal(TimeSpan.FromMinutes(2) + TimeSpan.FromMilliseconds(60), retryAfter);
    }

    [Fact]
    public void Add_NegativePermits_GiveBackButNeverBeyondAFullBucket()
    {
        using var limiter = new LlmTokenBucketRateLimiter(10, TimeSpan.FromSeconds(10), _time);
        Assert.True(limiter.TryAcquire(10, out _));

        limiter.Add(-4);
        Assert.Equal(4, limiter.GetStatistics()!.CurrentAvailablePermits);
        limiter.Add(-100);
        Assert.Equal(10, limiter.GetStatistics()!.CurrentAvailablePermits);
        limiter.Add(15);
        Assert.False(limiter.TryAcquire(1, out var retryAfter));
        Assert.Equal(TimeSpan.FromSeconds(6), retryAfter);
    }

    [Fact]
    public async Task RateLimiterApi_RefusedLease_CarriesRetryAfterMetadata()
    {
        using RateLimiter limiter = new LlmTokenBucketRateLimiter(1, TimeSpan.FromSeconds(2), _time);

        using var first = limiter.AttemptAcquire();
        using var second = await limiter.AcquireAsync(1, Ct);

        Assert.True(first.IsAcquired);
        Assert.False(second.IsAcquired);
        Assert.True(second.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter));
        Assert.Equal(TimeSpan.FromSeconds(2), retryAfter);
        Assert.Equal([MetadataName.RetryAfter.Name], second.MetadataNames);
        var stats = limiter.GetStatistics()!;
        Assert.Equal(1, stats.TotalSuccessfulLeases);
        Assert.Equal(1, stats.TotalFailedLeases);
        Assert.Equal(0, stats.CurrentAvailablePermits);
    }

    [Fact]
    public void IdleDuration_FullBucket_CountsFromWhenItFilled()
    {
        using var limiter = new LlmTokenBucketRateLimiter(2, TimeSpan.FromSeconds(2), _time);
        Assert.Equal(TimeSpan.Zero, limiter.IdleDuration);
        Assert.True(limiter.TryAcquire(2, out _));
        Assert.Null(limiter.IdleDuration);

        _time.Advance(TimeSpan.FromSeconds(5));

        Assert.Equal(TimeSpan.FromSeconds(3), limiter.IdleDuration);
    }

    [Fact]
    public void TryAcquire_ConcurrentCallers_GrantExactlyTheLimit()
    {
        using var limiter = new LlmTokenBucketRateLimiter(1000, TimeSpan.FromMinutes(1), _time);
        var granted = 0;

        Parallel.For(0, 8, w =>
        {
            for (var i = 0; i < 500; i++)
            {
                if (limiter.TryAcquire(1, out _))
                {
                    Interlocked.Increment(ref granted);
                }
            }
        });

        Assert.Equal(1000, granted);
    }

    [Fact]
    public void Constructor_BadArguments_Throw()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new LlmTokenBucketRateLimiter(0, TimeSpan.FromMinutes(1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new LlmTokenBucketRateLimiter(1, TimeSpan.Zero));
        Assert.Throws<ArgumentOutOfRangeException>(() => new LlmTokenBucketRateLimiter(1, TimeSpan.FromDays(2)));
        using var limiter = new LlmTokenBucketRateLimiter(1, TimeSpan.FromMinutes(1));
        Assert.Throws<ArgumentOutOfRangeException>(() => limiter.TryAcquire(-1, out _));
    }
}
