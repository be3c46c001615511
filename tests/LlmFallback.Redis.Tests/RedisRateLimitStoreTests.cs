namespace LlmFallback.Redis.Tests;

public sealed class RedisRateLimitStoreTests(RedisFixture redis) : IClassFixture<RedisFixture>
{
    private static CancellationToken Ct => RedisFixture.Ct;

    private static LlmRateLimitRule Rule(string key, long limit, long permits, LlmRateLimitKind kind = LlmRateLimitKind.Requests) =>
        new(key, limit, TimeSpan.FromMinutes(1), permits, LlmRateLimitScope.User, kind);

    [Fact]
    public async Task TryAcquireAsync_EightConcurrentInstances_GrantExactlyTheLimit()
    {
        var time = RedisFixture.Clock();
        var prefix = $"test-{Guid.NewGuid():N}:";
        var connections = Enumerable.Range(0, 8).Select(_ => redis.Connect(time, prefix).Connection).ToList();
        var stores = connections.Select(c => new RedisRateLimitStore(c)).ToList();
        var granted = 0;

        await Task.WhenAll(stores.Select(store => Task.Run(async () =>
        {
            for (var i = 0; i < 50; i++)
            {
                if ((await store.TryAcquireAsync([Rule("user:u1:rpm", 100, 1), Rule("tenant:t:rpm", 1000, 1)], Ct)).IsAcquired)
                {
                    Interlocked.Increment(ref granted);
                }
            }
        }, Ct)));

        // The clock does not move: exactly the 100 permits of the user's bucket are granted across all instances.
        Assert.Equal(100, granted);
        var refused = await stores[0].TryAcquireAsync([Rule("user:u1:rpm", 100, 1)], Ct);
        Assert.False(refused.IsAcquired);
        Assert.Equal(TimeSpan.FromMilliseconds(600), refused.RetryAfter);
        foreach (var c in connections)
        {
            await c.DisposeAsync();
        }
    }

    [Fact]
    public async Task TryAcquireAsync_SecondRuleRefuses_TakesNothingFromTheFirst()
    {
        var time = RedisFixture.Clock();
        await using var connection = redis.Connect(time).Connection;
        var store = new RedisRateLimitStore(connection);
        Assert.True((await store.TryAcquireAsync([Rule("b", 1, 1)], Ct)).IsAcquired);

        var refused = await store.TryAcquireAsync([Rule("a", 1, 1), Rule("b", 1, 1)], Ct);

        Assert.Equal((false, 1, TimeSpan.FromMinutes(1)), (refused.IsAcquired, refused.RejectedIndex, refused.RetryAfter));
        Assert.True((await store.TryAcquireAsync([Rule("a", 1, 1)], Ct)).IsAcquired);
    }

    [Fact]
    public async Task TryAcquireAsync_TimePasses_BucketRefillsAsTheInMemoryOneDoes()
    {
        var time = RedisFixture.Clock();
        await using var connection = redis.Connect(time).Connection;
        var store = new RedisRateLimitStore(connection);
        using var memory = new InMemoryRateLimitStore(time);
        var rule = Rule("tpm", 1000, 1000, LlmRateLimitKind.Tokens);

        foreach (ILlmRateLimitStore s in new ILlmRateLimitStore[] { store, memory })
        {
            Assert.True((await s.TryAcquireAsync([rule], Ct)).IsAcquired);
        }

        time.Advance(TimeSpan.FromSeconds(30));
        var half = rule with { Permits = 500 };

        Assert.True((await store.TryAcquireAsync([half], Ct)).IsAcquired);
        Assert.True((await memory.TryAcquireAsync([half], Ct)).IsAcquired);
        Assert.Equal((await memory.TryAcquireAsync([half], Ct)).RetryAfter, (await store.TryAcquireAsync([half], Ct)).RetryAfter);
    }

    [Fact]
    public async Task AddAsync_TokensOverAndBack_MoveTheSharedBucket()
    {
        var time = RedisFixture.Clock();
        await using var connection = redis.Connect(time).Connection;
        var store = new RedisRateLimitStore(connection);

        await store.AddAsync([Rule("t", 100, 100, LlmRateLimitKind.Tokens)], Ct);
        Assert.False((await store.TryAcquireAsync([Rule("t", 100, 1, LlmRateLimitKind.Tokens)], Ct)).IsAcquired);

        await store.AddAsync([Rule("t", 100, -100, LlmRateLimitKind.Tokens)], Ct);
        Assert.True((await store.TryAcquireAsync([Rule("t", 100, 100, LlmRateLimitKind.Tokens)], Ct)).IsAcquired);
    }

    [Fact]
    public async Task PublicMembers_NullArguments_Throw()
    {
        Assert.Throws<ArgumentNullException>(() => new RedisRateLimitStore(null!));
        await using var connection = redis.Connect(RedisFixture.Clock()).Connection;
        var store = new RedisRateLimitStore(connection);
        await Assert.ThrowsAsync<ArgumentNullException>(async () => await store.TryAcquireAsync(null!, Ct));
        await Assert.ThrowsAsync<ArgumentNullException>(async () => await store.AddAsync(null!, Ct));
    }
}
