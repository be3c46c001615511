using StackExchange.Redis;

namespace LlmFallback.Redis;

/// <summary>
/// An <see cref="ILlmRateLimitStore"/> shared by every instance: the same token buckets as
/// <see cref="InMemoryRateLimitStore"/> (generic cell rate algorithm), kept in Redis and updated by Lua scripts
/// (atomic across the buckets of one request), each key expiring when its bucket would be full again. Time comes
/// from the injected clock, so instances' clocks should agree within a small part of a window. While Redis is
/// unreachable, an in-memory store answers (see <see cref="LlmRedisConnection"/>); the rate-limiting stage settles
/// each request's tokens in the store that took its permits.
/// </summary>
public sealed class RedisRateLimitStore : ILlmRateLimitStore, IDegradableRateLimitStore
{
    private const string Store = "rate limits";
    private readonly LlmRedisConnection _connection;
    private readonly ILlmRateLimitStore _fallback;

    /// <summary>Initializes a new instance of the <see cref="RedisRateLimitStore"/> class.</summary>
    /// <param name="connection">The shared Redis connection.</param>
    /// <param name="fallback">The store that answers while Redis is unreachable; <see langword="null"/> for an <see cref="InMemoryRateLimitStore"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="connection"/> is <see langword="null"/>.</exception>
    public RedisRateLimitStore(LlmRedisConnection connection, ILlmRateLimitStore? fallback = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        _connection = connection;
        _fallback = fallback ?? new InMemoryRateLimitStore(connection.TimeProvider);
    }

    /// <inheritdoc />
    public ValueTask<LlmRateLimitDecision> TryAcquireAsync(IReadOnlyList<LlmRateLimitRule> rules, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rules);
        return rules.Count == 0 ? new(LlmRateLimitDecision.Acquired) : Decided(AcquireAsync(rules, cancellationToken));

        static async ValueTask<LlmRateLimitDecision> Decided(ValueTask<(LlmRateLimitDecision Decision, bool InFallback)> acquire) =>
            (await acquire.ConfigureAwait(false)).Decision;
    }

    /// <inheritdoc />
    public ValueTask AddAsync(IReadOnlyList<LlmRateLimitRule> rules, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rules);
        return AddCoreAsync(rules, orFallback: true, cancellationToken);
    }

    ValueTask<(LlmRateLimitDecision Decision, bool InFallback)> IDegradableRateLimitStore.TryAcquireTrackedAsync(IReadOnlyList<LlmRateLimitRule> rules, CancellationToken cancellationToken) =>
        rules.Count == 0 ? new((LlmRateLimitDecision.Acquired, false)) : AcquireAsync(rules, cancellationToken);

    ValueTask IDegradableRateLimitStore.SettleAsync(IReadOnlyList<LlmRateLimitRule> rules, bool inFallback, CancellationToken cancellationToken) =>
        inFallback ? _fallback.AddAsync(rules, cancellationToken) : AddCoreAsync(rules, orFallback: false, cancellationToken);

    private ValueTask<(LlmRateLimitDecision Decision, bool InFallback)> AcquireAsync(IReadOnlyList<LlmRateLimitRule> rules, CancellationToken cancellationToken)
    {
        var keys = new RedisKey[rules.Count];
        var args = new RedisValue[(3 * rules.Count) + 1];
        args[0] = NowMicros();
        for (var i = 0; i < rules.Count; i++)
        {
            var rule = rules[i];
            var window = LlmTokenBucketRateLimiter.ToMicros(rule.Window);
            keys[i] = Key(rule);
            args[(3 * i) + 1] = LlmTokenBucketRateLimiter.CostMicros(rule.Permits, rule.PermitLimit, window);
            args[(3 * i) + 2] = LlmTokenBucketRateLimiter.CostMicros(Math.Min(rule.Permits, rule.PermitLimit), rule.PermitLimit, window);
            args[(3 * i) + 3] = window;
        }

        return _connection.ExecuteAsync(
            Store,
            (Store: this, Rules: rules, Keys: keys, Args: args, Token: cancellationToken),
            static async (db, s) =>
            {
                var result = (RedisResult[])(await db.ScriptEvaluateAsync(RedisScripts.RateLimitAcquire, s.Keys, s.Args).ConfigureAwait(false))!;
                return ((int)result[0] == 1
                    ? LlmRateLimitDecision.Acquired
                    : new LlmRateLimitDecision(false, (int)result[1], LlmTokenBucketRateLimiter.FromMicros((long)result[2])), false);
            },
            static async s => (await s.Store._fallback.TryAcquireAsync(s.Rules, s.Token).ConfigureAwait(false), true));
    }

    /// <summary>
    /// Moves the buckets in Redis; while Redis is unreachable, the fallback's when <paramref name="orFallback"/>, else
    /// none (permits Redis took are never settled in memory, which never held them).
    /// </summary>
    private async ValueTask AddCoreAsync(IReadOnlyList<LlmRateLimitRule> rules, bool orFallback, CancellationToken cancellationToken)
    {
        if (rules.Count == 0)
        {
            return;
        }

        var keys = new RedisKey[rules.Count];
        var args = new RedisValue[rules.Count + 1];
        args[0] = NowMicros();
        for (var i = 0; i < rules.Count; i++)
        {
            var rule = rules[i];
            var cost = LlmTokenBucketRateLimiter.CostMicros(Math.Abs(rule.Permits), rule.PermitLimit, LlmTokenBucketRateLimiter.ToMicros(rule.Window));
            keys[i] = Key(rule);
            args[i + 1] = rule.Permits < 0 ? -cost : cost;
        }

        await _connection.ExecuteAsync(
            Store,
            (Store: this, Rules: rules, OrFallback: orFallback, Keys: keys, Args: args, Token: cancellationToken),
            static async (db, s) => await db.ScriptEvaluateAsync(RedisScripts.RateLimitAdd, s.Keys, s.Args).ConfigureAwait(false),
            static async s =>
            {
                if (s.OrFallback)
                {
                    await s.Store._fallback.AddAsync(s.Rules, s.Token).ConfigureAwait(false);
                }

                return RedisResult.Create(1);
            }).ConfigureAwait(false);
    }

    private long NowMicros() => LlmTokenBucketRateLimiter.ToMicros(_connection.TimeProvider.GetUtcNow() - DateTimeOffset.UnixEpoch);

    private RedisKey Key(in LlmRateLimitRule rule) => _connection.Key("ratelimit:" + rule.Key);
}
