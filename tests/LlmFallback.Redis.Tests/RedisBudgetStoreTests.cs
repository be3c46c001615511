using StackExchange.Redis;

namespace LlmFallback.Redis.Tests;

public sealed class RedisBudgetStoreTests(RedisFixture redis) : IClassFixture<RedisFixture>
{
    private static CancellationToken Ct => RedisFixture.Ct;

    private static LlmBudgetCounter Counter(TimeProvider time, string key, decimal limit) =>
        new(key, limit, time.GetUtcNow().AddHours(1), LlmBudgetScope.Tenant, "day");

    [Fact]
    public async Task TryReserveAsync_EightConcurrentWriters_LoseNoUpdateAndNeverOverspend()
    {
        var time = RedisFixture.Clock();
        var prefix = $"test-{Guid.NewGuid():N}:";
        var stores = new List<RedisBudgetStore>();
        var connections = new List<LlmRedisConnection>();
        for (var i = 0; i < 8; i++)
        {
            // Eight instances: one connection each, one shared key space.
            var (connection, _) = redis.Connect(time, prefix);
            connections.Add(connection);
            stores.Add(new RedisBudgetStore(connection));
        }

        LlmBudgetCounter[] counters = [Counter(time, "tenant:acme:d20261203", 1m), Counter(time, "user:u1:d20261203", 10m)];
        var granted = 0;
        await Task.WhenAll(stores.Select(store => Task.Run(async () =>
        {
            for (var i = 0; i < 200; i++)
            {
                if ((await store.TryReserveAsync(counters, 0.001m, Ct)).IsGranted)
                {
                    Interlocked.Increment(ref granted);
                }

                await store.AddAsync(counters, 0.0005m, Ct);
            }
        }, Ct)));

        // Every writer added 200 × 0.0005 = 0.1 outside the limit (settlements), and reservations filled the rest.
        var spent = await stores[0].GetSpentAsync(counters[0], Ct);
        Assert.Equal(spent, await stores[0].GetSpentAsync(counters[1], Ct));
        Assert.Equal((granted * 0.001m) + 0.8m, spent);
        Assert.InRange(spent, 1m, 1.8m);
        Assert.InRange(granted, 200, 1000);
        Assert.All(connections, c => Assert.False(c.IsDegraded));
        foreach (var c in connections)
        {
            await c.DisposeAsync();
        }
    }

    [Fact]
    public async Task TryReserveAsync_OneCounterFull_ReservesInNoneAndReportsWhatItHeld()
    {
        var time = RedisFixture.Clock();
        await using var connection = redis.Connect(time).Connection;
        var store = new RedisBudgetStore(connection);
        LlmBudgetCounter[] counters = [Counter(time, "a", 1m), Counter(time, "b", 0.5m)];
        Assert.True((await store.TryReserveAsync(counters, 0.4m, Ct)).IsGranted);

        var refused = await store.TryReserveAsync(counters, 0.2m, Ct);

        Assert.Equal(new LlmBudgetReservation(false, 1, 0.4m), refused);
        Assert.Equal(0.4m, await store.GetSpentAsync(counters[0], Ct));
    }

    [Fact]
    public async Task TryReserveAsync_Keys_ExpireOneMinuteAfterTheirWindow()
    {
        var time = RedisFixture.Clock();
        var prefix = $"test-{Guid.NewGuid():N}:";
        await using var connection = redis.Connect(time, prefix).Connection;
        var store = new RedisBudgetStore(connection);
        var counter = new LlmBudgetCounter("tenant:t:d", 1m, time.GetUtcNow().AddMinutes(10), LlmBudgetScope.Tenant, "day");

        await store.TryReserveAsync([counter], 0.1m, Ct);

        await using var direct = await ConnectionMultiplexer.ConnectAsync(redis.Server.ConnectionString);
        var ttl = await direct.GetDatabase().KeyTimeToLiveAsync(prefix + "budget:tenant:t:d");
        Assert.NotNull(ttl);
        Assert.InRange(ttl.Value, TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(11));
    }

    [Fact]
    public async Task AddAsync_NegativeAmount_ReleasesAReservation()
    {
        var time = RedisFixture.Clock();
        await using var connection = redis.Connect(time).Connection;
        var store = new RedisBudgetStore(connection);
        LlmBudgetCounter[] counters = [Counter(time, "a", 1m)];
        await store.TryReserveAsync(counters, 0.25m, Ct);

        await store.AddAsync(counters, -0.25m, Ct);

        Assert.Equal(0m, await store.GetSpentAsync(counters[0], Ct));
    }

    [Fact]
    public async Task PublicMembers_NullArguments_Throw()
    {
        Assert.Throws<ArgumentNullException>(() => new RedisBudgetStore(null!));
        await using var connection = redis.Connect(RedisFixture.Clock()).Connection;
        var store = new RedisBudgetStore(connection);
        await Assert.ThrowsAsync<ArgumentNullException>(async () => await store.TryReserveAsync(null!, 1m, Ct));
        await Assert.ThrowsAsync<ArgumentNullException>(async () => await store.AddAsync(null!, 1m, Ct));
    }
}
