using Microsoft.Extensions.Time.Testing;
using static LlmFallback.Tests.Metering.MeteringTestKit;

namespace LlmFallback.Tests.RateLimiting;

public sealed class InMemoryRateLimitStoreTests
{
    private readonly FakeTimeProvider _time = new();

    private static LlmRateLimitRule Rule(string key, long limit, long permits) =>
        new(key, limit, TimeSpan.FromMinutes(1), permits, LlmRateLimitScope.User, LlmRateLimitKind.Requests);

    [Fact]
    public async Task TryAcquireAsync_SecondRuleRefuses_TakesNothingFromTheFirst()
    {
        using var store = new InMemoryRateLimitStore(_time);
        Assert.True((await store.TryAcquireAsync([Rule("b", 1, 1)], Ct)).IsAcquired);

        var refused = await store.TryAcquireAsync([Rule("a", 1, 1), Rule("b", 1, 1)], Ct);

        Assert.False(refused.IsAcquired);
        Assert.Equal(1, refused.RejectedIndex);
        Assert.Equal(TimeSpan.FromMinutes(1), refused.RetryAfter);
        Assert.True((await store.TryAcquireAsync([Rule("a", 1, 1)], Ct)).IsAcquired);
    }

    [Fact]
    public async Task TryAcquireAsync_Partitions_AreIndependent()
    {
        using var store = new InMemoryRateLimitStore(_time);

        Assert.True((await store.TryAcquireAsync([Rule("user:a:rpm", 1, 1)], Ct)).IsAcquired);
        Assert.False((await store.TryAcquireAsync([Rule("user:a:rpm", 1, 1)], Ct)).IsAcquired);
        Assert.True((await store.TryAcquireAsync([Rule("user:b:rpm", 1, 1)], Ct)).IsAcquired);
    }

    [Fact]
    public async Task TryAcquireAsync_IdleBuckets_AreDropped()
    {
        using var store = new InMemoryRateLimitStore(_time);
        await store.TryAcquireAsync([Rule("a", 10, 10), Rule("b", 10, 1)], Ct);
        Assert.Equal(2, store.BucketCount);

        _time.Advance(TimeSpan.FromMinutes(3));
        await store.TryAcquireAsync([Rule("c", 10, 1)], Ct);

        Assert.Equal(1, store.BucketCount);
    }

    [Fact]
    public async Task AddAsync_Permits_MoveTheBucket()
    {
        using var store = new InMemoryRateLimitStore(_time);
        await store.AddAsync([Rule("a", 10, 10)], Ct);

        Assert.False((await store.TryAcquireAsync([Rule("a", 10, 1)], Ct)).IsAcquired);
        await store.AddAsync([Rule("a", 10, -10)], Ct);
        Assert.True((await store.TryAcquireAsync([Rule("a", 10, 1)], Ct)).IsAcquired);
    }

    [Fact]
    public async Task PublicMethods_NullArguments_Throw()
    {
        using var store = new InMemoryRateLimitStore(_time);
        await Assert.ThrowsAsync<ArgumentNullException>(async () => await store.TryAcquireAsync(null!, Ct));
        await Assert.ThrowsAsync<ArgumentNullException>(async () => await store.AddAsync(null!, Ct));
    }
}
