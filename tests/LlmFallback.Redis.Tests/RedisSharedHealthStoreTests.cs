using LlmFallback.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;

namespace LlmFallback.Redis.Tests;

/// <summary>
/// Several instances of an application (each its own service provider, registry and Redis connection) on one real
/// redis-server: a cool-down or a breaker opening seen by one is honoured by all.
/// </summary>
public sealed class RedisSharedHealthStoreTests(RedisFixture redis) : IClassFixture<RedisFixture>, IAsyncDisposable
{
    private ConnectionMultiplexer? _direct;

    private static CancellationToken Ct => RedisFixture.Ct;

    public async ValueTask DisposeAsync()
    {
        if (_direct is not null)
        {
            await _direct.DisposeAsync();
        }
    }

    [Fact]
    public async Task CooldownStarted_RetryAfterOnOneInstance_OtherInstanceSkipsTheProvider()
    {
        var time = RedisFixture.Clock();
        var prefix = Prefix();
        await using var a = await Instance(time, prefix, ScriptedChatClient.Always(Script.Status(429, TimeSpan.FromSeconds(30)), time));
        await using var b = await Instance(time, prefix, ScriptedChatClient.Always(Script.Answer("primary"), time));

        Assert.Equal("secondary", (await a.Chat.GetResponseAsync("hi", cancellationToken: Ct)).Text);
        await Until(() => b.Primary.GetHealth().IsCoolingDown);

        Assert.Equal("secondary", (await b.Chat.GetResponseAsync("hi", cancellationToken: Ct)).Text);
        Assert.Equal(0, b.PrimaryClient.CallCount);
        Assert.Equal(time.GetUtcNow() + TimeSpan.FromSeconds(30), b.Primary.GetHealth().AvailableAt);

        time.Advance(TimeSpan.FromSeconds(31));
        Assert.Equal("primary", (await b.Chat.GetResponseAsync("hi", cancellationToken: Ct)).Text);
    }

    [Fact]
    public async Task BreakerOpened_OnOneInstance_OpensOnTheOtherForItsBreakDuration()
    {
        var time = RedisFixture.Clock();
        var prefix = Prefix();
        await using var a = await Instance(time, prefix, ScriptedChatClient.Always(Script.Status(503), time));
        await using var b = await Instance(time, prefix, ScriptedChatClient.Always(Script.Answer("primary"), time));

        await a.Chat.GetResponseAsync("hi", cancellationToken: Ct);
        await a.Chat.GetResponseAsync("hi", cancellationToken: Ct);
        Assert.Equal(LlmCircuitState.Open, a.Primary.GetHealth().State);
        await Until(() => b.Primary.GetHealth().State == LlmCircuitState.Open);

        Assert.Equal("secondary", (await b.Chat.GetResponseAsync("hi", cancellationToken: Ct)).Text);
        Assert.Equal(0, b.PrimaryClient.CallCount);
        Assert.Equal(time.GetUtcNow() + TimeSpan.FromSeconds(15), b.Primary.GetHealth().AvailableAt);

        // After the break the other instance probes for itself, and its probe closes its breaker.
        time.Advance(TimeSpan.FromSeconds(16));
        Assert.Equal("primary", (await b.Chat.GetResponseAsync("hi", cancellationToken: Ct)).Text);
        Assert.Equal(LlmCircuitState.Closed, b.Primary.GetHealth().State);
    }

    [Fact]
    public async Task Attach_InstanceStartedDuringACooldown_LearnsItFromRedis()
    {
        var time = RedisFixture.Clock();
        var prefix = Prefix();
        await using var a = await Instance(time, prefix, ScriptedChatClient.Always(Script.Status(429, TimeSpan.FromSeconds(30)), time));
        await a.Chat.GetResponseAsync("hi", cancellationToken: Ct);
        await Until(async () => (await Database().StringGetAsync(prefix + "health:cooldown:primary")).HasValue);

        await using var late = await Instance(time, prefix, ScriptedChatClient.Always(Script.Answer("primary"), time));

        // The first sync runs on start, but the instance only subscribed after the cool-down was published.
        await Until(() => late.Primary.GetHealth().IsCoolingDown);
        Assert.Equal("secondary", (await late.Chat.GetResponseAsync("hi", cancellationToken: Ct)).Text);
    }

    [Fact]
    public async Task Message_DeadlinePastTheCalendar_IsHeldToOneDay()
    {
        // A corrupt message (another version, a hand-written PUBLISH) must neither throw in the subscription nor take
        // the provider out for good.
        var time = RedisFixture.Clock();
        var prefix = Prefix();
        await using var b = await Instance(time, prefix, ScriptedChatClient.Always(Script.Answer("primary"), time));

        await Until(async () =>
        {
            await Database().PublishAsync(RedisChannel.Literal(prefix + "health"), $"c|someone-else|{long.MaxValue}|0|primary");
            return b.Primary.GetHealth().IsCoolingDown;
        });

        Assert.Equal(time.GetUtcNow() + TimeSpan.FromDays(1), b.Primary.GetHealth().AvailableAt);
    }

    [Fact]
    public async Task CooldownStarted_EightConcurrentWriters_TheLatestDeadlineWins()
    {
        var time = RedisFixture.Clock();
        var prefix = Prefix();
        var instances = new List<Running>();
        try
        {
            for (var i = 0; i < 8; i++)
            {
                instances.Add(await Instance(time, prefix, ScriptedChatClient.Always(Script.Answer("primary"), time)));
            }

            var now = time.GetUtcNow();
            var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var writers = new Task[8];
            for (var i = 0; i < 8; i++)
            {
                // Deadlines 10 s to 80 s, written in a scrambled order by eight connections at once.
                var instance = instances[i];
                var until = now + TimeSpan.FromSeconds(10 * (1 + ((i * 5) % 8)));
                writers[i] = Task.Run(
                    async () =>
                    {
                        await start.Task;
                        instance.Store.CooldownStarted(instance.Primary, until);
                    },
                    Ct);
            }

            start.SetResult();
            await Task.WhenAll(writers).WaitAsync(Ct);
            var latest = (now + TimeSpan.FromSeconds(80)).ToUnixTimeMilliseconds();
            await Until(async () => (long?)await Database().StringGetAsync(prefix + "health:cooldown:primary") == latest, () => $"{latest} {Database().StringGet(prefix + "health:cooldown:primary")}");
            // Each of the other seven hears the latest deadline (the writer of a deadline applies its own locally, not through the store).
            for (var i = 0; i < instances.Count; i++)
            {
                var instance = instances[i];
                if (i != 3)
                {
                    await Until(() => instance.Primary.GetHealth().AvailableAt == now + TimeSpan.FromSeconds(80), () => $"instance {i}: {instance.Primary.GetHealth().AvailableAt}");
                }
            }

            var ttl = await Database().KeyTimeToLiveAsync(prefix + "health:cooldown:primary");
            Assert.InRange(ttl!.Value, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(81));
        }
        finally
        {
            foreach (var instance in instances)
            {
                await instance.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task CooldownStarted_RedisStoppedMidTest_CallsStillSucceedOnLocalState()
    {
        var time = RedisFixture.Clock();
        var primary = ScriptedChatClient.Sequence(time, Script.Answer("primary"), Script.Status(429, TimeSpan.FromSeconds(30)), Script.Status(503), Script.Status(503));
        await using var a = await Instance(time, Prefix(), primary);
        Assert.Equal("primary", (await a.Chat.GetResponseAsync("hi", cancellationToken: Ct)).Text);

        await redis.Server.StopAsync();
        try
        {
            Assert.Equal("secondary", (await a.Chat.GetResponseAsync("hi", cancellationToken: Ct)).Text);
            Assert.True(a.Primary.GetHealth().IsCoolingDown);
            Assert.Equal("secondary", (await a.Chat.GetResponseAsync("hi", cancellationToken: Ct)).Text);
            time.Advance(TimeSpan.FromSeconds(31));
            Assert.Equal("secondary", (await a.Chat.GetResponseAsync("hi", cancellationToken: Ct)).Text);
            Assert.Equal("secondary", (await a.Chat.GetResponseAsync("hi", cancellationToken: Ct)).Text);
            Assert.Equal(LlmCircuitState.Open, a.Primary.GetHealth().State);
            await Until(() => a.Store.IsDegraded);
            await Until(() => RedisWarnings(a).Count > 0);
            var health = await new LlmProvidersHealthCheck(a.Services.GetRequiredService<LlmProviderRegistry>())
                .CheckHealthAsync(new Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckContext(), Ct);
            Assert.Equal(Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Degraded, health.Status);
            Assert.Equal("unreachable", health.Data["shared_state"]);
        }
        finally
        {
            await redis.Server.RestartAsync();
        }

        var warning = Assert.Single(RedisWarnings(a));
        Assert.Equal(1, warning.Id.Id);
        Assert.Contains("provider health", warning.Message, StringComparison.Ordinal);
    }

    private static List<FakeLogRecord> RedisWarnings(Running instance) =>
        [.. instance.Logs.GetSnapshot().Where(r => r.Level == LogLevel.Warning && r.Category == "LlmFallback.Redis")];

    private static string Prefix() => $"test-{Guid.NewGuid():N}:";

    private static async Task Until(Func<bool> condition, Func<string>? state = null) => await Until(() => Task.FromResult(condition()), state);

    /// <summary>Waits for what another connection does (a published message, a background write), failing after 10 s.</summary>
    private static async Task Until(Func<Task<bool>> condition, Func<string>? state = null)
    {
        var deadline = TimeProvider.System.GetTimestamp() + (10 * TimeProvider.System.TimestampFrequency);
        while (!await condition())
        {
            Assert.True(TimeProvider.System.GetTimestamp() < deadline, $"The condition did not hold within 10 s ({state?.Invoke()}).");
            await Task.Delay(5, Ct);
        }
    }

    private IDatabase Database() => (_direct ??= ConnectionMultiplexer.Connect(redis.Server.ConnectionString)).GetDatabase();

    /// <summary>One application instance: primary then secondary, two consecutive failures open a breaker for 15 s, shared through Redis.</summary>
    private async Task<Running> Instance(FakeTimeProvider time, string prefix, ScriptedChatClient primary)
    {
        var logs = new FakeLogCollector();
        var services = new ServiceCollection()
            .AddSingleton<TimeProvider>(time)
            .AddLogging(b => b.SetMinimumLevel(LogLevel.Debug).AddProvider(new FakeLoggerProvider(logs)));
        services.AddLlmProviders()
            .AddProvider("primary", _ => primary, o =>
            {
                o.Resilience.MaxRetries = 0;
                o.Resilience.CircuitBreaker.ConsecutiveFailures = 2;
                o.Resilience.CircuitBreaker.BreakDuration = TimeSpan.FromSeconds(15);
            })
            .AddProvider("secondary", _ => ScriptedChatClient.Always(Script.Answer("secondary"), time));
        services.AddFallbackChatClient("primary", "secondary");
        services.AddLlmRedis(o =>
        {
            o.Configuration = redis.Server.ConnectionString;
            o.KeyPrefix = prefix;
            o.OperationTimeout = TimeSpan.FromSeconds(2);
        });
        var sp = services.BuildServiceProvider();
        var chat = sp.GetRequiredService<IChatClient>();
        var store = sp.GetRequiredService<RedisSharedHealthStore>();

        // An instance hears what the others publish once subscribed (before that, its periodic sync catches up). The first
        // subscription is attempted at once; when Redis is slow to take it (a loaded machine), the periodic sync on the
        // injected clock retries it, so the clock is moved on while waiting, before the test does anything time-bound.
        // At most one sync interval per real second: a cool-down of 30 s set before this instance starts outlives the wait.
        var lastNudge = TimeProvider.System.GetTimestamp();
        await Until(() =>
        {
            if (!store.IsSubscribed && TimeProvider.System.GetElapsedTime(lastNudge) > TimeSpan.FromSeconds(1))
            {
                time.Advance(TimeSpan.FromSeconds(2.5));
                lastNudge = TimeProvider.System.GetTimestamp();
            }

            return store.IsSubscribed;
        });
        return new Running(sp, chat, sp.GetRequiredService<LlmProviderRegistry>().GetProvider("primary"), primary, store, logs);
    }

    private sealed record Running(ServiceProvider Services, IChatClient Chat, LlmProvider Primary, ScriptedChatClient PrimaryClient, RedisSharedHealthStore Store, FakeLogCollector Logs) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => Services.DisposeAsync();
    }
}
