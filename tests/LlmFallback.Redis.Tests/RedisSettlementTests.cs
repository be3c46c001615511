using StackExchange.Redis;

namespace LlmFallback.Redis.Tests;

/// <summary>
/// A call admitted while Redis was degraded (its reservation held by the in-memory fallback) that ends after Redis is
/// back: it is settled in memory, where it was reserved, never in Redis, which never held it.
/// </summary>
public sealed class RedisSettlementTests(RedisFixture redis) : IClassFixture<RedisFixture>
{
    private static readonly TimeSpan RetryInterval = TimeSpan.FromSeconds(5);

    private static CancellationToken Ct => RedisFixture.Ct;

    private static List<ChatMessage> Prompt => [new(ChatRole.User, "What is Python?")];

    [Fact]
    public async Task Budgets_ReservedInMemoryDuringAnOutage_FailingAfterRecovery_ReleasesInMemoryNotInRedis()
    {
        var time = RedisFixture.Clock();
        var (connection, _) = redis.Connect(time, retryInterval: RetryInterval);
        await using var _c = connection;
        var memory = new InMemoryBudgetStore(time);
        var store = new RedisBudgetStore(connection, memory);
        var options = new BudgetOptions();
        options.PerTenant.Daily = 1m;
        var release = new TaskCompletionSource();
        var inner = FailingWhenReleased(release);
        using var client = new BudgetsChatClient(inner, store, options, timeProvider: time);
        var counter = new LlmBudgetCounter("tenant:acme:d20261203", 1m, new DateTimeOffset(2026, 12, 4, 0, 0, 0, TimeSpan.Zero), LlmBudgetScope.Tenant, "day");

        await Degrade(connection);
        var call = client.GetResponseAsync(Prompt, new ChatOptions { ModelId = "gpt-4o-mini", MaxOutputTokens = 100 }.WithTenant("acme"), Ct);
        Assert.True(await memory.GetSpentAsync(counter, Ct) > 0m);
        time.Advance(RetryInterval);
        release.SetResult();
        await Assert.ThrowsAsync<HttpRequestException>(() => call);

        Assert.Equal(0m, await store.GetSpentAsync(counter, Ct));
        Assert.False(connection.IsDegraded);
        Assert.Equal(0m, await memory.GetSpentAsync(counter, Ct));
    }

    [Fact]
    public async Task RateLimits_TokensTakenInMemoryDuringAnOutage_FailingAfterRecovery_DoNotFreeRedisTokens()
    {
        var options = new RateLimitingOptions { PerUser = { TokensPerMinute = 1000 } };
        var time = RedisFixture.Clock();
        var (connection, _) = redis.Connect(time, retryInterval: RetryInterval);
        await using var _c = connection;
        var store = new RedisRateLimitStore(connection);
        var release = new TaskCompletionSource();
        var failing = FailingWhenReleased(release);
        var answering = new GatedClient(() => Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "ok"))
        {
            Usage = new UsageDetails { InputTokenCount = 1000, OutputTokenCount = 0 },
        }));
        using var a = new RateLimitingChatClient(failing, store, options, timeProvider: time);
        using var b = new RateLimitingChatClient(answering, store, options, timeProvider: time);
        var request = new ChatOptions().WithUser("u1");

        await Degrade(connection);
        var call = a.GetResponseAsync(Prompt, request, Ct);
        time.Advance(RetryInterval);

        // Redis is back: another call uses the user's whole minute of tokens there.
        await b.GetResponseAsync(Prompt, request, Ct);
        Assert.False(connection.IsDegraded);
        release.SetResult();
        await Assert.ThrowsAsync<HttpRequestException>(() => call);

        await Assert.ThrowsAsync<RateLimitedException>(() => b.GetResponseAsync(Prompt, request, Ct));
    }

    /// <summary>A client whose call fails once <paramref name="release"/> completes.</summary>
    private static GatedClient FailingWhenReleased(TaskCompletionSource release) => new(async () =>
    {
        await release.Task;
        throw new HttpRequestException("down");
    });

    /// <summary>A failed command: the connection answers from memory for the retry interval.</summary>
    private static async Task Degrade(LlmRedisConnection connection)
    {
        await connection.ExecuteAsync(
            "test",
            0,
            static (_, _) => Task.FromException<int>(new RedisConnectionException(ConnectionFailureType.UnableToConnect, CommandFlags.None, "down", null, CommandStatus.Unknown)),
            static _ => new ValueTask<int>(0));
        Assert.True(connection.IsDegraded);
    }

    private sealed class GatedClient(Func<Task<ChatResponse>> respond) : IChatClient
    {
        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) => respond();

        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}
