using System.Collections.Concurrent;
using System.Globalization;
using StackExchange.Redis;

namespace LlmFallback.Redis;

/// <summary>
/// Shares providers' cool-downs (a <c>Retry-After</c>) and breaker openings between instances. A deadline is written
/// by one Lua script that keeps the later of the stored and the new deadline, expires with it, and publishes it when
/// it moved; every instance applies what it hears to its own in-memory state, and reads its providers' keys every
/// <see cref="LlmRedisOptions.HealthSyncInterval"/> to catch up on what it missed (a start, an outage). Writes are
/// queued off the request path and reads never happen on it, so Redis being slow or down costs a request nothing.
/// </summary>
internal sealed partial class RedisSharedHealthStore : ISharedHealthStore, IAsyncDisposable, IDisposable
{
    private const string Store = "provider health";
    private const string CooldownKind = "c";
    private const string OpeningKind = "b";

    private readonly LlmRedisConnection _connection;
    private readonly TimeSpan _syncInterval;
    private readonly string _instance = Guid.NewGuid().ToString("N");
    private readonly RedisChannel _channel;
    private readonly Lock _gate = new();

    // The latest deadline (ms since the epoch) written or applied per key, so a storm of 429s writes once per deadline
    // and a deadline heard twice (published, then read by the sync) is applied once.
    private readonly ConcurrentDictionary<string, long> _known = new(StringComparer.Ordinal);
    private LlmProvider[] _providers = [];
    private ITimer? _timer;
    private int _subscribed;
    private int _syncing;
    private int _disposed;

    public RedisSharedHealthStore(LlmRedisConnection connection, TimeSpan syncInterval)
    {
        _connection = connection;
        _syncInterval = syncInterval;
        _channel = RedisChannel.Literal(connection.KeyPrefix + "health");
    }

    /// <summary>Raised after a deadline heard from Redis was applied (for tests).</summary>
    internal event Action? Applied;

    public bool IsDegraded => _connection.IsDegraded;

    /// <summary>Gets a value indicating whether this instance hears what the others publish.</summary>
    internal bool IsSubscribed => Volatile.Read(ref _subscribed) != 0;

    private TimeProvider Time => _connection.TimeProvider;

    public void Attach(IReadOnlyList<LlmProvider> providers)
    {
        lock (_gate)
        {
            _providers = [.. _providers, .. providers];
            _timer ??= Time.CreateTimer(static s => ((RedisSharedHealthStore)s!).StartSync(), this, _syncInterval, _syncInterval);
        }

        // The first sync (subscribe, read what other instances already know) runs now, off the caller's thread.
        ThreadPool.UnsafeQueueUserWorkItem(static s => s.StartSync(), this, preferLocal: false);
    }

    public void CooldownStarted(LlmProvider provider, DateTimeOffset until) =>
        Write(CooldownKind, CooldownKey(provider.UpstreamName), provider.UpstreamName, until, cause: null);

    public void BreakerOpened(LlmProvider provider, DateTimeOffset until, LlmFailureKind? cause) =>
        Write(OpeningKind, OpeningKey(provider.Name), provider.Name, until, cause);

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            TakeTimer()?.Dispose();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        if (TakeTimer() is { } timer)
        {
            await timer.DisposeAsync().ConfigureAwait(false);
        }

        if (Volatile.Read(ref _subscribed) != 0)
        {
            await _connection.ExecuteAsync(
                Store,
                this,
                static async (db, s) =>
                {
                    await db.Multiplexer.GetSubscriber().UnsubscribeAsync(s._channel).ConfigureAwait(false);
                    return true;
                },
                static _ => new ValueTask<bool>(false)).ConfigureAwait(false);
        }
    }

    private ITimer? TakeTimer()
    {
        lock (_gate)
        {
            var timer = _timer;
            _timer = null;
            return timer;
        }
    }

    private static string CooldownKey(string upstream) => "health:cooldown:" + upstream;

    private static string OpeningKey(string provider) => "health:open:" + provider;

    private void Write(string kind, string key, string name, DateTimeOffset until, LlmFailureKind? cause)
    {
        var untilMs = until.ToUnixTimeMilliseconds();
        if (!Advance(key, untilMs) || Volatile.Read(ref _disposed) != 0)
        {
            return;
        }

        var message = string.Join('|', kind, _instance, untilMs.ToString(CultureInfo.InvariantCulture), cause is { } c ? ((int)c).ToString(CultureInfo.InvariantCulture) : string.Empty, name);
        var write = new PendingWrite(this, _connection.Key(key), untilMs, message);

        // Off the request path: the caller goes on at once, whatever Redis does.
        ThreadPool.UnsafeQueueUserWorkItem(static w => _ = w.Store.WriteAsync(w), write, preferLocal: false);
    }

    private async Task WriteAsync(PendingWrite write)
    {
        await _connection.ExecuteAsync(
            Store,
            write,
            static async (db, w) => (bool)(await db.ScriptEvaluateAsync(
                RedisScripts.SharedDeadline,
                [w.Key],
                [w.UntilMs, w.Store.Time.GetUtcNow().ToUnixTimeMilliseconds(), w.Store._channel.ToString(), w.Message]).ConfigureAwait(false)),
            static _ => new ValueTask<bool>(false)).ConfigureAwait(false);
    }

    /// <summary>Records <paramref name="untilMs"/> as the latest deadline of <paramref name="key"/>; false when it is not later than the one known.</summary>
    private bool Advance(string key, long untilMs)
    {
        while (true)
        {
            if (!_known.TryGetValue(key, out var known))
            {
                if (_known.TryAdd(key, untilMs))
                {
                    return true;
                }

                continue;
            }

            if (untilMs <= known)
            {
                return false;
            }

            if (_known.TryUpdate(key, untilMs, known))
            {
                return true;
            }
        }
    }

    private sealed record PendingWrite(RedisSharedHealthStore Store, RedisKey Key, long UntilMs, string Message);
}
