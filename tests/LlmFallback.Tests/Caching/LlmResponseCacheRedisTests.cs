using LlmFallback.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LlmFallback.Tests.Caching;

/// <summary>The exact cache over HybridCache with a real redis-server as its distributed level.</summary>
public sealed class LlmResponseCacheRedisTests : IAsyncLifetime
{
    private RedisServer? _redis;

    private static CancellationToken Ct => CacheFixture.Ct;

    private RedisServer Redis => _redis!;

    public async ValueTask InitializeAsync() => _redis = await RedisServer.StartAsync();

    public async ValueTask DisposeAsync()
    {
        if (_redis is not null)
        {
            await _redis.DisposeAsync();
        }
    }

    [Fact]
    public async Task GetResponseAsync_TwoInstancesOnOneRedis_SecondInstanceHitsTheFirstOnesAnswer()
    {
        using var a = Instance();
        using var b = Instance();
        using var clientA = a.Client();
        using var clientB = b.Client();

        var stored = await clientA.GetResponseAsync("What is Redis?", new ChatOptions { Temperature = 0 }.WithTenant("acme").WithUser("u1"), Ct);
        var shared = await clientB.GetResponseAsync("What is Redis?", new ChatOptions { Temperature = 0 }.WithTenant("acme").WithUser("u1"), Ct);
        var otherUser = await clientB.GetResponseAsync("What is Redis?", new ChatOptions { Temperature = 0 }.WithTenant("acme").WithUser("u2"), Ct);

        Assert.Equal(1, a.Upstream.Calls);
        Assert.Equal(1, b.Upstream.Calls);
        Assert.Equal(stored.Text, shared.Text);
        Assert.Equal(LlmCacheKind.Exact, shared.GetLlmCallInfo()!.CacheKind);
        Assert.Equal(30, shared.Usage?.TotalTokenCount);
        Assert.Equal(ChatFinishReason.Stop, shared.FinishReason);
        Assert.False(otherUser.GetLlmCallInfo()?.CacheHit ?? false);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_TwoInstances_StreamStoredByOneIsReplayedByTheOther()
    {
        using var a = Instance();
        using var b = Instance();
        using var clientA = a.Client();
        using var clientB = b.Client();

        var original = await clientA.GetStreamingResponseAsync("stream me", cancellationToken: Ct).ToChatResponseAsync(Ct);
        var replay = await clientB.GetStreamingResponseAsync("stream me", cancellationToken: Ct).ToChatResponseAsync(Ct);

        Assert.Equal(0, b.Upstream.Calls);
        Assert.Equal(original.Text, replay.Text);
        Assert.Equal(original.Usage?.TotalTokenCount, replay.Usage?.TotalTokenCount);
    }

    [Fact]
    public async Task InvalidateTagAsync_OnOneInstance_RemovesTheEntryForTheOther()
    {
        using var a = Instance();
        using var b = Instance();
        using var clientA = a.Client();
        using var clientB = b.Client();
        await clientA.GetResponseAsync("tagged", new ChatOptions().WithCacheTags("kb"), Ct);

        await a.Cache.InvalidateTagAsync("kb", Ct);
        var after = await clientB.GetResponseAsync("tagged", new ChatOptions().WithCacheTags("kb"), Ct);

        Assert.False(after.GetLlmCallInfo()?.CacheHit ?? false);
        Assert.Equal(1, b.Upstream.Calls);
    }

    [Fact]
    public async Task GetResponseAsync_RedisStoppedMidTest_CallSucceedsUncachedAndWarns()
    {
        using var a = Instance();
        using var client = a.Client();
        await client.GetResponseAsync("before the outage", cancellationToken: Ct);

        await Redis.StopAsync();
        var during = await client.GetResponseAsync("during the outage", cancellationToken: Ct).WaitAsync(TimeSpan.FromSeconds(30), Ct);

        Assert.StartsWith("answer", during.Text, StringComparison.Ordinal);
        Assert.False(during.GetLlmCallInfo()?.CacheHit ?? false);
        // HybridCache absorbs distributed-cache failures itself and logs them ("Cache backend read/write failure").
        Assert.Contains(a.Logs.GetSnapshot(), r => r.Level >= LogLevel.Warning && r.Message.Contains("Cache backend", StringComparison.Ordinal));

        await Redis.RestartAsync();
    }

    private CacheFixture Instance() => new(services => services.AddStackExchangeRedisCache(o =>
    {
        o.Configuration = Redis.ConnectionString + ",connectTimeout=500,syncTimeout=500,asyncTimeout=500";
        o.InstanceName = "llmfb-tests:";
    }));
}
