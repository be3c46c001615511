using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace LlmFallback.Tests.Caching;

public sealed class LlmResponseCacheTests
{
    private static CancellationToken Ct => CacheFixture.Ct;

    [Fact]
    public async Task GetResponseAsync_CacheThrows_CallSucceedsUncachedAndWarns()
    {
        var logs = new FakeLogCollector();
        using var loggerFactory = LoggerFactory.Create(b => b.AddProvider(new FakeLoggerProvider(logs)));
        var cache = new LlmResponseCache(new ThrowingHybridCache(), null, loggerFactory);
        var upstream = new CountingClient();
        using var client = new LlmCachingChatClient(upstream, cache);

        var first = await client.GetResponseAsync("q", cancellationToken: Ct);
        var second = await client.GetResponseAsync("q", cancellationToken: Ct);

        Assert.Equal("answer 1", first.Text);
        Assert.Equal("answer 2", second.Text);
        var warnings = logs.GetSnapshot().Where(r => r.Level == LogLevel.Warning && r.Id.Name == "CacheUnavailable").ToList();
        Assert.Contains(warnings, w => w.Message == "Response cache read failed (RedisConnectionException); the request goes on uncached.");
        Assert.Contains(warnings, w => w.Message == "Response cache write failed (RedisConnectionException); the request goes on uncached.");
        Assert.DoesNotContain(logs.GetSnapshot(), r => r.Message.Contains("do-not-log", StringComparison.Ordinal) || r.Exception is not null);
    }

    [Fact]
    public async Task Invalidate_CacheThrows_Surfaces()
    {
        var cache = new LlmResponseCache(new ThrowingHybridCache());

        await Assert.ThrowsAsync<RedisConnectionException>(() => cache.InvalidateTagAsync("t", Ct).AsTask());
    }

    /// <summary>Stands in for a distributed cache that is down: every operation throws.</summary>
    private sealed class ThrowingHybridCache : HybridCache
    {
        public override ValueTask<T> GetOrCreateAsync<TState, T>(string key, TState state, Func<TState, CancellationToken, ValueTask<T>> factory, HybridCacheEntryOptions? options = null, IEnumerable<string>? tags = null, CancellationToken cancellationToken = default) =>
            throw new RedisConnectionException();

        public override ValueTask SetAsync<T>(string key, T value, HybridCacheEntryOptions? options = null, IEnumerable<string>? tags = null, CancellationToken cancellationToken = default) =>
            throw new RedisConnectionException();

        public override ValueTask RemoveAsync(string key, CancellationToken cancellationToken = default) => throw new RedisConnectionException();

        public override ValueTask RemoveByTagAsync(string tag, CancellationToken cancellationToken = default) => throw new RedisConnectionException();
    }

    private sealed class RedisConnectionException : Exception
    {
        public RedisConnectionException()
            : base("No connection is available; secret=do-not-log")
        {
        }
    }
}
