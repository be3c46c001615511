using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace LlmFallback.Redis.Tests;

/// <summary>Redis stops in the middle of a test: every call still succeeds, on the in-memory state, with one warning.</summary>
public sealed class RedisOutageTests(RedisFixture redis) : IClassFixture<RedisFixture>
{
    private static CancellationToken Ct => RedisFixture.Ct;

    private static List<ChatMessage> Prompt => [new(ChatRole.User, "What is Python?")];

    private static IChatClient Answering() => new AnsweringClient();

    [Fact]
    public async Task Stages_RedisStoppedMidTest_CallsStillSucceedOnInMemoryState()
    {
        var time = RedisFixture.Clock();
        var (connection, logs) = redis.Connect(time, retryInterval: TimeSpan.FromSeconds(5));
        await using var _ = connection;
        var budgets = new BudgetOptions();
        budgets.PerTenant.Daily = 100m;
        using var client = new RateLimitingChatClient(
            new BudgetsChatClient(Answering(), new RedisBudgetStore(connection), budgets, timeProvider: time),
            new RedisRateLimitStore(connection),
            new RateLimitingOptions { PerUser = { RequestsPerMinute = 1000 } },
            timeProvider: time);
        var request = new ChatOptions { ModelId = "gpt-4o-mini", MaxOutputTokens = 10 }.WithUser("u1").WithTenant("t1");

        Assert.Equal("ok", (await client.GetResponseAsync(Prompt, request, Ct)).Text);
        Assert.False(connection.IsDegraded);

        await redis.Server.StopAsync();
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal("ok", (await client.GetResponseAsync(Prompt, request, Ct)).Text);
        }

        await redis.Server.RestartAsync();
        Assert.True(connection.IsDegraded);
        var warning = Assert.Single(logs.GetSnapshot(), r => r.Level == LogLevel.Warning);
        Assert.Equal(1, warning.Id.Id);
        Assert.DoesNotContain(redis.Server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RateLimits_WhileRedisIsDown_AreStillEnforcedPerInstance()
    {
        var time = RedisFixture.Clock();
        var (connection, _) = redis.Connect(time);
        await using var __ = connection;
        using var client = new RateLimitingChatClient(Answering(), new RedisRateLimitStore(connection), new RateLimitingOptions { PerUser = { RequestsPerMinute = 2 } }, timeProvider: time);
        var request = new ChatOptions().WithUser("u1");

        await redis.Server.StopAsync();
        try
        {
            await client.GetResponseAsync(Prompt, request, Ct);
            await client.GetResponseAsync(Prompt, request, Ct);
            await Assert.ThrowsAsync<RateLimitedException>(() => client.GetResponseAsync(Prompt, request, Ct));
        }
        finally
        {
            await redis.Server.RestartAsync();
        }
    }

    [Fact]
    public async Task RateLimits_TwoInstances_ShareOneLimitThroughRedis()
    {
        var time = RedisFixture.Clock();
        var prefix = $"test-{Guid.NewGuid():N}:";
        await using var first = redis.Connect(time, prefix).Connection;
        await using var second = redis.Connect(time, prefix).Connection;
        var options = new RateLimitingOptions { PerTenant = { RequestsPerMinute = 3 } };
        using var a = new RateLimitingChatClient(Answering(), new RedisRateLimitStore(first), options, timeProvider: time);
        using var b = new RateLimitingChatClient(Answering(), new RedisRateLimitStore(second), options, timeProvider: time);
        var request = new ChatOptions().WithTenant("acme");

        await a.GetResponseAsync(Prompt, request, Ct);
        await b.GetResponseAsync(Prompt, request, Ct);
        await a.GetResponseAsync(Prompt, request, Ct);

        var ex = await Assert.ThrowsAsync<RateLimitedException>(() => b.GetResponseAsync(Prompt, request, Ct));
        Assert.Equal(TimeSpan.FromSeconds(20), ex.RetryAfter);
    }

    [Fact]
    public async Task Budgets_TwoInstances_ShareOneBudgetThroughRedis()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 3, 12, 0, 0, TimeSpan.Zero));
        var prefix = $"test-{Guid.NewGuid():N}:";
        await using var first = redis.Connect(time, prefix).Connection;
        await using var second = redis.Connect(time, prefix).Connection;
        var options = new BudgetOptions();
        options.PerUser.Daily = 0.0015m;
        using var a = new BudgetsChatClient(Answering(), new RedisBudgetStore(first), options, timeProvider: time);
        using var b = new BudgetsChatClient(Answering(), new RedisBudgetStore(second), options, timeProvider: time);
        var request = new ChatOptions { ModelId = "gpt-4o-mini", MaxOutputTokens = 10 }.WithUser("u1");

        // Each call costs 1000 × 0.15 + 1000 × 0.60 per million = 0.00075 USD.
        await a.GetResponseAsync(Prompt, request, Ct);
        await b.GetResponseAsync(Prompt, request, Ct);

        await Assert.ThrowsAsync<BudgetExceededException>(() => a.GetResponseAsync(Prompt, request, Ct));
    }

    private sealed class AnsweringClient : IChatClient
    {
        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "ok"))
            {
                ModelId = "gpt-4o-mini",
                Usage = new UsageDetails { InputTokenCount = 1000, OutputTokenCount = 1000 },
            });

        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}
