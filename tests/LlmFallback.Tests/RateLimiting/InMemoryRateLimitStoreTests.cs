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

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Store_SweepDropsTheBucketACallJustLookedUp_ThePermitsAreStillCounted(bool settle)
    {
        // The clock runs the sweep from inside the call's own reading of the time, after the call found the idle
        // bucket and before it takes from (or, settling, adds to) it: the permits must not land in a bucket the store
        // forgot, leaving the next request a fresh, full one.
        var time = new InterruptingTimeProvider();
        using var store = new InMemoryRateLimitStore(time);
        Assert.True((await store.TryAcquireAsync([Rule("a", 10, 10)], Ct)).IsAcquired); // sweeps nothing; next sweep at 60 s
        time.Advance(TimeSpan.FromSeconds(100));
        await store.TryAcquireAsync([Rule("c", 100, 1)], Ct); // sweeps: "a" (full at 60 s) idle 40 s, kept; next sweep at 160 s
        time.Advance(TimeSpan.FromSeconds(50));

        // Reading 1: the call's sweep check (150 s, not due). Reading 2: inside the bucket it found.
        time.Interrupt(2, () =>
        {
            time.Advance(TimeSpan.FromSeconds(10));
            store.TryAcquireAsync([Rule("c", 100, 1)], Ct).AsTask().GetAwaiter().GetResult(); // sweeps: "a" idle 100 s
        });
        if (settle)
        {
            await store.AddAsync([Rule("a", 10, 10)], Ct);
        }
        else
        {
            Assert.True((await store.TryAcquireAsync([Rule("a", 10, 10)], Ct)).IsAcquired);
        }

        Assert.True(time.Interrupted);
        var next = await store.TryAcquireAsync([Rule("a", 10, 1)], Ct);

        Assert.False(next.IsAcquired, "the ten permits went to a bucket the store had dropped");
        Assert.Equal(TimeSpan.FromSeconds(6), next.RetryAfter);
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

/// <summary>A fake clock that runs an action once, from inside its n-th reading of the timestamp after being armed.</summary>
internal sealed class InterruptingTimeProvider : FakeTimeProvider
{
    private Action? _action;
    private int _countdown;

    public bool Interrupted { get; private set; }

    public void Interrupt(int reading, Action action)
    {
        _countdown = reading;
        _action = action;
    }

    public override long GetTimestamp()
    {
        if (_action is { } action && --_countdown == 0)
        {
            _action = null;
            action();
            Interrupted = true;
        }

        return base.GetTimestamp();
    }
}
