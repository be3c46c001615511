using Microsoft.Extensions.Time.Testing;
using static LlmFallback.Tests.Metering.MeteringTestKit;

namespace LlmFallback.Tests.Budgets;

public sealed class InMemoryBudgetStoreTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 3, 12, 0, 0, TimeSpan.Zero));

    private LlmBudgetCounter Counter(string key, decimal limit) => new(key, limit, _time.GetUtcNow().AddHours(1), LlmBudgetScope.User, "day");

    [Fact]
    public async Task TryReserveAsync_OneCounterFull_ReservesInNone()
    {
        var store = new InMemoryBudgetStore(_time);
        LlmBudgetCounter[] counters = [Counter("a", 1m), Counter("b", 0.5m)];
        Assert.True((await store.TryReserveAsync(counters, 0.4m, Ct)).IsGranted);

        var refused = await store.TryReserveAsync(counters, 0.2m, Ct);

        Assert.Equal(new LlmBudgetReservation(false, 1, 0.4m), refused);
        Assert.Equal(0.4m, await store.GetSpentAsync(counters[0], Ct));
        Assert.Equal(0.4m, await store.GetSpentAsync(counters[1], Ct));
    }

    [Fact]
    public async Task TryReserveAsync_AtTheLimit_RefusesEvenAFreeRequest()
    {
        var store = new InMemoryBudgetStore(_time);
        LlmBudgetCounter[] counters = [Counter("a", 1m)];
        await store.AddAsync(counters, 1m, Ct);

        Assert.False((await store.TryReserveAsync(counters, 0m, Ct)).IsGranted);
    }

    [Fact]
    public async Task TryReserveAsync_LimitBeyondTheNanoDollarRange_IsEffectivelyUnlimitedInsteadOfThrowing()
    {
        // A positive limit passes validation whatever its size; ten billion dollars (an "unlimited" plan) is more
        // nano-dollars than a long holds, and the store threw OverflowException on every request of that id.
        var store = new InMemoryBudgetStore(_time);
        LlmBudgetCounter[] counters = [Counter("a", 10_000_000_000m)];

        Assert.True((await store.TryReserveAsync(counters, 5m, Ct)).IsGranted);
        Assert.False((await store.TryReserveAsync(counters, decimal.MaxValue, Ct)).IsGranted);
        Assert.Equal(5m, await store.GetSpentAsync(counters[0], Ct));
    }

    [Fact]
    public async Task AddAsync_NegativeAmount_ReleasesAReservation()
    {
        var store = new InMemoryBudgetStore(_time);
        LlmBudgetCounter[] counters = [Counter("a", 1m)];
        await store.TryReserveAsync(counters, 0.3m, Ct);

        await store.AddAsync(counters, -0.3m, Ct);

        Assert.Equal(0m, await store.GetSpentAsync(counters[0], Ct));
    }

    [Fact]
    public async Task GetSpentAsync_AfterTheWindow_IsForgotten()
    {
        var store = new InMemoryBudgetStore(_time);
        LlmBudgetCounter[] counters = [Counter("a", 1m)];
        await store.AddAsync(counters, 0.7m, Ct);

        _time.Advance(TimeSpan.FromHours(2));

        Assert.Equal(0m, await store.GetSpentAsync(counters[0], Ct));
    }

    [Fact]
    public async Task TryReserveAsync_ConcurrentWriters_NeverOverspend()
    {
        var store = new InMemoryBudgetStore(_time);
        LlmBudgetCounter[] counters = [Counter("tenant", 1m), Counter("user", 5m)];
        var granted = 0;

        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            for (var i = 0; i < 500; i++)
            {
                if ((await store.TryReserveAsync(counters, 0.001m, Ct)).IsGranted)
                {
                    Interlocked.Increment(ref granted);
                }
            }
        }, Ct)));

        Assert.Equal(1000, granted);
        Assert.Equal(1m, await store.GetSpentAsync(counters[0], Ct));
        Assert.Equal(1m, await store.GetSpentAsync(counters[1], Ct));
    }

    [Fact]
    public async Task PublicMethods_NullArguments_Throw()
    {
        var store = new InMemoryBudgetStore(_time);
        await Assert.ThrowsAsync<ArgumentNullException>(async () => await store.TryReserveAsync(null!, 1m, Ct));
        await Assert.ThrowsAsync<ArgumentNullException>(async () => await store.AddAsync(null!, 1m, Ct));
        await Assert.ThrowsAsync<ArgumentNullException>(async () => await store.GetSpentAsync(default, Ct));
    }
}
