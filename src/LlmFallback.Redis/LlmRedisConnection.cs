using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace LlmFallback.Redis;

/// <summary>
/// The Redis connection every LlmFallback store shares, and the rule they all follow: a Redis command that fails
/// (unreachable, timed out, refused) is answered by the store's in-memory fallback instead, with one warning per
/// outage, and Redis is not tried again for <see cref="LlmRedisOptions.RetryInterval"/>. A request never fails
/// because Redis did.
/// </summary>
public sealed class LlmRedisConnection : IAsyncDisposable, IDisposable
{
    private readonly LlmRedisOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly bool _owned;
    private readonly IConnectionMultiplexer? _multiplexer;
    private readonly Lock _gate = new();
    private Task<IConnectionMultiplexer>? _connect;
    private bool _disposed;
    private long _retryAtTicks;
    private int _degraded;

    /// <summary>Initializes a new instance of the <see cref="LlmRedisConnection"/> class that connects on first use.</summary>
    /// <param name="options">Where Redis is and how long to wait for it.</param>
    /// <param name="timeProvider">The clock of the retry interval; <see langword="null"/> for <see cref="TimeProvider.System"/>.</param>
    /// <param name="loggerFactory">Where outages are reported; <see langword="null"/> for nowhere.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">An option is missing or out of range; the message names it.</exception>
    public LlmRedisConnection(LlmRedisOptions options, TimeProvider? timeProvider = null, ILoggerFactory? loggerFactory = null)
        : this(null, options, timeProvider, loggerFactory, "Redis")
    {
    }

    /// <summary>Initializes a new instance of the <see cref="LlmRedisConnection"/> class over an application's connection, which it does not dispose.</summary>
    /// <param name="multiplexer">The connection.</param>
    /// <param name="options">Key prefix and retry interval; <see langword="null"/> for the defaults.</param>
    /// <param name="timeProvider">The clock of the retry interval; <see langword="null"/> for <see cref="TimeProvider.System"/>.</param>
    /// <param name="loggerFactory">Where outages are reported; <see langword="null"/> for nowhere.</param>
    /// <exception cref="ArgumentNullException"><paramref name="multiplexer"/> is <see langword="null"/>.</exception>
    public LlmRedisConnection(IConnectionMultiplexer multiplexer, LlmRedisOptions? options = null, TimeProvider? timeProvider = null, ILoggerFactory? loggerFactory = null)
        : this(multiplexer ?? throw new ArgumentNullException(nameof(multiplexer)), options ?? new LlmRedisOptions(), timeProvider, loggerFactory, "Redis")
    {
    }

    internal LlmRedisConnection(IConnectionMultiplexer? multiplexer, LlmRedisOptions options, TimeProvider? timeProvider, ILoggerFactory? loggerFactory, string configurationPath)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        LlmRedisOptionsValidator.Validate(options, configurationPath, multiplexer is null, errors);
        LlmOptionsValidation.ThrowIfAny(errors, nameof(options));
        _options = options;
        _multiplexer = multiplexer;
        _owned = multiplexer is null;
        _time = timeProvider ?? TimeProvider.System;
        _logger = (ILogger?)loggerFactory?.CreateLogger("LlmFallback.Redis") ?? NullLogger.Instance;
    }

    /// <summary>Gets the prefix of every key.</summary>
    public string KeyPrefix => _options.KeyPrefix;

    /// <summary>Gets a value indicating whether Redis failed recently and the in-memory state is answering.</summary>
    public bool IsDegraded => Volatile.Read(ref _degraded) != 0;

    /// <summary>Gets the clock the stores use (the time passed to the scripts).</summary>
    internal TimeProvider TimeProvider => _time;

    /// <summary>
    /// Runs a Redis command, or the fallback when Redis is degraded or the command fails. Every store goes through
    /// here, so each one degrades and recovers the same way.
    /// </summary>
    internal async ValueTask<T> ExecuteAsync<TState, T>(
        string store,
        TState state,
        Func<IDatabase, TState, Task<T>> command,
        Func<TState, ValueTask<T>> fallback)
    {
        if (_time.GetUtcNow().UtcTicks < Volatile.Read(ref _retryAtTicks))
        {
            return await fallback(state).ConfigureAwait(false);
        }

        try
        {
            var database = (await ConnectAsync().WaitAsync(_options.OperationTimeout, _time).ConfigureAwait(false)).GetDatabase();
            var result = await command(database, state).WaitAsync(_options.OperationTimeout, _time).ConfigureAwait(false);
            if (Interlocked.Exchange(ref _degraded, 0) != 0)
            {
                Log.Restored(_logger, store);
            }

            return result;
        }
        catch (Exception ex) when (IsOutage(ex))
        {
            Volatile.Write(ref _retryAtTicks, (_time.GetUtcNow() + _options.RetryInterval).UtcTicks);
            if (Interlocked.Exchange(ref _degraded, 1) == 0)
            {
                Log.Unavailable(_logger, store, ex.GetType().Name, _options.RetryInterval);
            }

            return await fallback(state).ConfigureAwait(false);
        }
    }

    internal RedisKey Key(string key) => string.Concat(_options.KeyPrefix, key);

    /// <summary>Closes the connection when this instance opened it (one still being made is closed when it completes).</summary>
    public void Dispose()
    {
        if (TakeForDisposal() is { } connected)
        {
            connected.Dispose();
        }
    }

    /// <summary>Closes the connection when this instance opened it (one still being made is closed when it completes).</summary>
    /// <returns>A task that completes when the connection is closed.</returns>
    public async ValueTask DisposeAsync()
    {
        if (TakeForDisposal() is { } connected)
        {
            await connected.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Gets the connection being made or made, if any (tests).</summary>
    internal Task<IConnectionMultiplexer>? Connecting => Volatile.Read(ref _connect);

    /// <summary>
    /// Marks this instance disposed, so no connection is made after it, and returns the connection to close now. One
    /// still being made is closed when it completes: left alone, it would reconnect in the background for good.
    /// </summary>
    private IConnectionMultiplexer? TakeForDisposal()
    {
        Task<IConnectionMultiplexer>? connect;
        lock (_gate)
        {
            if (_disposed)
            {
                return null;
            }

            _disposed = true;
            connect = _connect;
            _connect = Task.FromException<IConnectionMultiplexer>(new ObjectDisposedException(nameof(LlmRedisConnection)));
        }

        if (!_owned || connect is null)
        {
            return null;
        }

        if (connect.IsCompletedSuccessfully)
        {
            return connect.Result;
        }

        _ = connect.ContinueWith(
            static t =>
            {
                if (t.IsCompletedSuccessfully)
                {
                    t.Result.Dispose();
                }
            },
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
        return null;
    }

    /// <summary>Whether an exception means Redis is not serving (as opposed to a bug in a caller).</summary>
    private static bool IsOutage(Exception ex) =>
        ex is RedisException or TimeoutException or IOException or System.Net.Sockets.SocketException or ObjectDisposedException;

    /// <summary>
    /// The connection, made once (under a lock: two first callers racing must not both connect, or the loser's
    /// connection would reconnect in the background for good); a caller waits for it at most the operation timeout (it
    /// goes on connecting in the background). After disposal, an <see cref="ObjectDisposedException"/>: the stores'
    /// in-memory state answers.
    /// </summary>
    private Task<IConnectionMultiplexer> ConnectAsync()
    {
        if (Volatile.Read(ref _connect) is { } connect)
        {
            return connect;
        }

        lock (_gate)
        {
            return _connect ??= _multiplexer is { } given ? Task.FromResult(given) : ConnectCoreAsync(_options);
        }
    }

    private static async Task<IConnectionMultiplexer> ConnectCoreAsync(LlmRedisOptions options)
    {
        var configuration = ConfigurationOptions.Parse(options.Configuration!);
        // Fail fast while disconnected (the in-memory state answers) instead of queueing commands; keep reconnecting
        // in the background.
        configuration.AbortOnConnectFail = false;
        configuration.BacklogPolicy = BacklogPolicy.FailFast;
        configuration.AsyncTimeout = (int)options.OperationTimeout.TotalMilliseconds;
        return await ConnectionMultiplexer.ConnectAsync(configuration).ConfigureAwait(false);
    }
}
