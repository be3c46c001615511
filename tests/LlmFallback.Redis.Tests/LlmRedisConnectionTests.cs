using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using NSubstitute;
using NSubstitute.ExceptionExtensions;
using StackExchange.Redis;

namespace LlmFallback.Redis.Tests;

public sealed class LlmRedisConnectionTests : IClassFixture<RedisFixture>
{
    private static CancellationToken Ct => RedisFixture.Ct;

    private readonly FakeTimeProvider _time = RedisFixture.Clock();
    private readonly FakeLogCollector _logs = new();
    private readonly IDatabase _database = Substitute.For<IDatabase>();
    private readonly IConnectionMultiplexer _multiplexer = Substitute.For<IConnectionMultiplexer>();

    private readonly RedisFixture _redis;

    public LlmRedisConnectionTests(RedisFixture redis)
    {
        _redis = redis;
        _multiplexer.GetDatabase(Arg.Any<int>(), Arg.Any<object?>()).Returns(_database);
    }

    private LlmRedisConnection Connection() => new(
        _multiplexer,
        new LlmRedisOptions { RetryInterval = TimeSpan.FromSeconds(5) },
        _time,
        LoggerFactory.Create(b => b.AddProvider(new FakeLoggerProvider(_logs))));

    private ValueTask<string> Run(LlmRedisConnection connection) =>
        connection.ExecuteAsync("test", 0, static async (db, _) => (string)(await db.StringGetAsync("k"))!, static _ => new("memory"));

    [Fact]
    public async Task ExecuteAsync_RedisFails_FallsBackWarnsOnceAndRetriesAfterTheInterval()
    {
        _database.StringGetAsync(Arg.Any<RedisKey>(), Arg.Any<CommandFlags>())
            .Returns(
                _ => Task.FromException<RedisValue>(new RedisConnectionException(ConnectionFailureType.UnableToConnect, CommandFlags.None, "down", null, CommandStatus.Unknown)),
                _ => Task.FromResult<RedisValue>("redis"));
        using var connection = Connection();

        Assert.Equal("memory", await Run(connection));
        Assert.True(connection.IsDegraded);
        Assert.Equal("memory", await Run(connection));
        _time.Advance(TimeSpan.FromSeconds(4));
        Assert.Equal("memory", await Run(connection));
        await _database.Received(1).StringGetAsync(Arg.Any<RedisKey>(), Arg.Any<CommandFlags>());

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal("redis", await Run(connection));

        Assert.False(connection.IsDegraded);
        var records = _logs.GetSnapshot();
        Assert.Equal([(LogLevel.Warning, 1), (LogLevel.Information, 2)], records.Select(r => (r.Level, r.Id.Id)));
        Assert.Equal("Redis is unreachable (test: RedisConnectionException); in-memory state takes over in this instance and Redis is tried again in 00:00:05. Limits and budgets are per instance until then.", records[0].Message);
    }

    [Fact]
    public async Task ExecuteAsync_TimeoutOrSocketError_IsAnOutage()
    {
        _database.StringGetAsync(Arg.Any<RedisKey>(), Arg.Any<CommandFlags>()).ThrowsAsync(new RedisTimeoutException(CommandFlags.None, "slow", CommandStatus.Sent));
        using var connection = Connection();

        Assert.Equal("memory", await Run(connection));
        Assert.True(connection.IsDegraded);
    }

    [Fact]
    public async Task ExecuteAsync_CallerBug_IsNotHidden()
    {
        _database.StringGetAsync(Arg.Any<RedisKey>(), Arg.Any<CommandFlags>()).ThrowsAsync(new InvalidOperationException("bug"));
        using var connection = Connection();

        await Assert.ThrowsAsync<InvalidOperationException>(async () => await Run(connection));
        Assert.False(connection.IsDegraded);
    }

    [Fact]
    public void Constructor_NoConfiguration_ThrowsNamingTheKey()
    {
        var ex = Assert.Throws<ArgumentException>(() => new LlmRedisConnection(new LlmRedisOptions()));

        Assert.StartsWith("Redis:Configuration is required: the Redis configuration string (host:port and options).", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_NullArguments_Throw()
    {
        Assert.Throws<ArgumentNullException>(() => new LlmRedisConnection((LlmRedisOptions)null!));
        Assert.Throws<ArgumentNullException>(() => new LlmRedisConnection((IConnectionMultiplexer)null!));
    }

    [Fact]
    public async Task Dispose_WhileTheFirstConnectionIsBeingMade_ClosesItWhenItCompletes()
    {
        // A proxy in front of the real server holds the first connection's handshake until the test lets it through.
        var letThrough = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var proxy = HoldingProxy.Start(_redis.Server.Port, letThrough.Task);
        var options = new LlmRedisOptions { Configuration = $"127.0.0.1:{proxy.Port}", RetryInterval = TimeSpan.FromSeconds(5) };
        var connection = new LlmRedisConnection(options, _time);
        var call = Run(connection).AsTask();
        await proxy.Accepted.WaitAsync(Ct);
        var connecting = connection.Connecting!;

        connection.Dispose();
        _time.Advance(options.OperationTimeout);
        Assert.Equal("memory", await call.WaitAsync(Ct));
        letThrough.SetResult();
        var multiplexer = await connecting.WaitAsync(Ct);

        // Left alone it would stay connected (and reconnect in the background) for good; closed, it refuses work.
        Assert.Throws<ObjectDisposedException>(() => multiplexer.GetDatabase().Ping());
        Assert.Equal("memory", await Run(connection));
    }

    [Fact]
    public async Task Dispose_GivenMultiplexer_IsLeftToItsOwner()
    {
        var connection = Connection();
        await connection.DisposeAsync();
        connection.Dispose();

        await _multiplexer.DidNotReceive().DisposeAsync();
        _multiplexer.DidNotReceive().Dispose();
        Assert.Equal("llmfallback:", connection.KeyPrefix);
        _ = Ct;
    }
}
