using LlmFallback.TestSupport;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;

namespace LlmFallback.Redis.Tests;

/// <summary>One real redis-server per test class, and helpers to make connections and stores on it.</summary>
public sealed class RedisFixture : IAsyncLifetime
{
    private RedisServer? _server;

    public RedisServer Server => _server ?? throw new InvalidOperationException("The server is not started.");

    /// <summary>Gets the test's token, cancelled after 30 s of real time too, so a regression fails instead of hanging.</summary>
    public static CancellationToken Ct
    {
        get
        {
            var watchdog = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
            watchdog.CancelAfter(TimeSpan.FromSeconds(30));
            return watchdog.Token;
        }
    }

    public async ValueTask InitializeAsync() => _server = await RedisServer.StartAsync();

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    /// <summary>A connection with its own key prefix (so tests sharing the server never share keys) and log collector.</summary>
    public (LlmRedisConnection Connection, FakeLogCollector Logs) Connect(TimeProvider time, string? prefix = null, TimeSpan? retryInterval = null)
    {
        var logs = new FakeLogCollector();
        var factory = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(new FakeLoggerProvider(logs)));
        var options = new LlmRedisOptions
        {
            Configuration = Server.ConnectionString,
            KeyPrefix = prefix ?? $"test-{Guid.NewGuid():N}:",
            OperationTimeout = TimeSpan.FromSeconds(2),
            RetryInterval = retryInterval ?? TimeSpan.FromSeconds(5),
        };
        return (new LlmRedisConnection(options, time, factory), logs);
    }

    public static FakeTimeProvider Clock() => new(new DateTimeOffset(2026, 12, 3, 12, 0, 0, TimeSpan.Zero));
}
