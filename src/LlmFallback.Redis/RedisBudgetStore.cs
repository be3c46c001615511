using StackExchange.Redis;

namespace LlmFallback.Redis;

/// <summary>
/// An <see cref="ILlmBudgetStore"/> shared by every instance: counters in Redis, reserved and settled by Lua scripts
/// (atomic across the counters of one request), each key expiring one minute after its window ends. While Redis is
/// unreachable, an in-memory store answers (see <see cref="LlmRedisConnection"/>); the budget stage settles each
/// reservation in the store that took it.
/// </summary>
public sealed class RedisBudgetStore : ILlmBudgetStore, IDegradableBudgetStore
{
    private const string Store = "budgets";
    private static readonly TimeSpan Grace = TimeSpan.FromMinutes(1);
    private readonly LlmRedisConnection _connection;
    private readonly ILlmBudgetStore _fallback;

    /// <summary>Initializes a new instance of the <see cref="RedisBudgetStore"/> class.</summary>
    /// <param name="connection">The shared Redis connection.</param>
    /// <param name="fallback">The store that answers while Redis is unreachable; <see langword="null"/> for an <see cref="InMemoryBudgetStore"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="connection"/> is <see langword="null"/>.</exception>
    public RedisBudgetStore(LlmRedisConnection connection, ILlmBudgetStore? fallback = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        _connection = connection;
        _fallback = fallback ?? new InMemoryBudgetStore(connection.TimeProvider);
    }

    /// <inheritdoc />
    public ValueTask<LlmBudgetReservation> TryReserveAsync(IReadOnlyList<LlmBudgetCounter> counters, decimal amount, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(counters);
        return counters.Count == 0 ? new(LlmBudgetReservation.Granted) : Reserved(ReserveAsync(counters, amount, cancellationToken));

        static async ValueTask<LlmBudgetReservation> Reserved(ValueTask<(LlmBudgetReservation Reservation, bool InFallback)> reserve) =>
            (await reserve.ConfigureAwait(false)).Reservation;
    }

    /// <inheritdoc />
    public ValueTask AddAsync(IReadOnlyList<LlmBudgetCounter> counters, decimal amount, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(counters);
        return AddCoreAsync(counters, amount, orFallback: true, cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask<decimal> GetSpentAsync(LlmBudgetCounter counter, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(counter.Key);
        return _connection.ExecuteAsync(
            Store,
            (Store: this, Counter: counter, Token: cancellationToken),
            static async (db, s) =>
            {
                var value = await db.StringGetAsync(s.Store.Key(s.Counter)).ConfigureAwait(false);
                return value.IsNull ? 0m : InMemoryCostLedger.FromNanos((long)value);
            },
            static s => s.Store._fallback.GetSpentAsync(s.Counter, s.Token));
    }

    ValueTask<(LlmBudgetReservation Reservation, bool InFallback)> IDegradableBudgetStore.TryReserveTrackedAsync(IReadOnlyList<LlmBudgetCounter> counters, decimal amount, CancellationToken cancellationToken) =>
        counters.Count == 0 ? new((LlmBudgetReservation.Granted, false)) : ReserveAsync(counters, amount, cancellationToken);

    ValueTask IDegradableBudgetStore.SettleAsync(IReadOnlyList<LlmBudgetCounter> counters, decimal amount, bool inFallback, CancellationToken cancellationToken) =>
        inFallback ? _fallback.AddAsync(counters, amount, cancellationToken) : AddCoreAsync(counters, amount, orFallback: false, cancellationToken);

    private ValueTask<(LlmBudgetReservation Reservation, bool InFallback)> ReserveAsync(IReadOnlyList<LlmBudgetCounter> counters, decimal amount, CancellationToken cancellationToken)
    {
        var keys = new RedisKey[counters.Count];
        var args = new RedisValue[(2 * counters.Count) + 1];
        args[0] = Math.Max(0, InMemoryCostLedger.ToNanos(amount));
        for (var i = 0; i < counters.Count; i++)
        {
            keys[i] = Key(counters[i]);
            args[(2 * i) + 1] = InMemoryCostLedger.ToNanos(counters[i].Limit);
            args[(2 * i) + 2] = TimeToLive(counters[i]);
        }

        return _connection.ExecuteAsync(
            Store,
            (Store: this, Counters: counters, Amount: amount, Keys: keys, Args: args, Token: cancellationToken),
            static async (db, s) =>
            {
                var result = (RedisResult[])(await db.ScriptEvaluateAsync(RedisScripts.BudgetReserve, s.Keys, s.Args).ConfigureAwait(false))!;
                return ((int)result[0] == 1
                    ? LlmBudgetReservation.Granted
                    : new LlmBudgetReservation(false, (int)result[1], InMemoryCostLedger.FromNanos((long)result[2])), false);
            },
            static async s => (await s.Store._fallback.TryReserveAsync(s.Counters, s.Amount, s.Token).ConfigureAwait(false), true));
    }

    /// <summary>
    /// Adds to the counters in Redis; while Redis is unreachable, to the fallback's when <paramref name="orFallback"/>,
    /// else nowhere (a reservation Redis took is never settled in memory, which never held it).
    /// </summary>
    private async ValueTask AddCoreAsync(IReadOnlyList<LlmBudgetCounter> counters, decimal amount, bool orFallback, CancellationToken cancellationToken)
    {
        var nanos = InMemoryCostLedger.ToNanos(amount);
        if (counters.Count == 0 || nanos == 0)
        {
            return;
        }

        var keys = new RedisKey[counters.Count];
        var args = new RedisValue[counters.Count + 1];
        args[0] = nanos;
        for (var i = 0; i < counters.Count; i++)
        {
            keys[i] = Key(counters[i]);
            args[i + 1] = TimeToLive(counters[i]);
        }

        await _connection.ExecuteAsync(
            Store,
            (Store: this, Counters: counters, Amount: amount, OrFallback: orFallback, Keys: keys, Args: args, Token: cancellationToken),
            static async (db, s) => await db.ScriptEvaluateAsync(RedisScripts.BudgetAdd, s.Keys, s.Args).ConfigureAwait(false),
            static async s =>
            {
                if (s.OrFallback)
                {
                    await s.Store._fallback.AddAsync(s.Counters, s.Amount, s.Token).ConfigureAwait(false);
                }

                return RedisResult.Create(1);
            }).ConfigureAwait(false);
    }

    /// <summary>
    /// How long a counter's key lives (ms): until a minute after its window ends, read on the injected clock. Relative,
    /// so Redis' own clock (and a fake one in tests) cannot expire a live counter early.
    /// </summary>
    private long TimeToLive(in LlmBudgetCounter counter) =>
        Math.Max(1, (long)Math.Ceiling((counter.ResetsAt + Grace - _connection.TimeProvider.GetUtcNow()).TotalMilliseconds));

    private RedisKey Key(in LlmBudgetCounter counter) => _connection.Key("budget:" + counter.Key);
}
