namespace LlmFallback.Tests.Caching;

/// <summary>Time to live (on the injected clock), per route, and invalidation by tag, namespace, route and tenant.</summary>
public sealed class LlmCachingChatClientExpiryTests
{
    private static CancellationToken Ct => CacheFixture.Ct;

    [Fact]
    public async Task GetResponseAsync_AfterTimeToLive_EntryExpires()
    {
        using var f = new CacheFixture();
        using var client = f.Client(new LlmCachingOptions { DefaultTimeToLive = TimeSpan.FromMinutes(10) });
        await client.GetResponseAsync("q", cancellationToken: Ct);

        f.Time.Advance(TimeSpan.FromMinutes(9));
        var hit = await client.GetResponseAsync("q", cancellationToken: Ct);
        f.Time.Advance(TimeSpan.FromMinutes(1));
        var expired = await client.GetResponseAsync("q", cancellationToken: Ct);

        Assert.True(hit.GetLlmCallInfo()!.CacheHit);
        Assert.False(expired.GetLlmCallInfo()?.CacheHit ?? false);
        Assert.Equal(2, f.Upstream.Calls);
    }

    [Fact]
    public async Task GetResponseAsync_RouteTimeToLive_OverridesTheDefaultCaseInsensitively()
    {
        using var f = new CacheFixture();
        var options = new LlmCachingOptions { DefaultTimeToLive = TimeSpan.FromHours(1) };
        options.RouteTimeToLive["Fast"] = TimeSpan.FromMinutes(1);
        using var client = f.Client(options);
        await client.GetResponseAsync("q", new ChatOptions { ModelId = "fast" }, Ct);
        await client.GetResponseAsync("q", new ChatOptions { ModelId = "smart" }, Ct);

        f.Time.Advance(TimeSpan.FromMinutes(2));
        var fast = await client.GetResponseAsync("q", new ChatOptions { ModelId = "fast" }, Ct);
        var smart = await client.GetResponseAsync("q", new ChatOptions { ModelId = "smart" }, Ct);

        Assert.False(fast.GetLlmCallInfo()?.CacheHit ?? false);
        Assert.True(smart.GetLlmCallInfo()!.CacheHit);
    }

    [Fact]
    public async Task GetResponseAsync_RouteTimeToLiveZero_RouteIsNeverCached()
    {
        using var f = new CacheFixture();
        var options = new LlmCachingOptions();
        options.RouteTimeToLive["live"] = TimeSpan.Zero;
        using var client = f.Client(options);

        await client.GetResponseAsync("q", new ChatOptions { ModelId = "live" }, Ct);
        await client.GetResponseAsync("q", new ChatOptions { ModelId = "live" }, Ct);

        Assert.Equal(2, f.Upstream.Calls);
    }

    [Fact]
    public async Task InvalidateTagAsync_RemovesOnlyTaggedEntries()
    {
        using var f = new CacheFixture();
        using var client = f.Client();
        await client.GetResponseAsync("faq", new ChatOptions().WithCacheTags("faq", "v2"), Ct);
        await client.GetResponseAsync("other", cancellationToken: Ct);

        await f.Cache.InvalidateTagAsync("faq", Ct);
        await client.GetResponseAsync("faq", new ChatOptions().WithCacheTags("faq", "v2"), Ct);
        await client.GetResponseAsync("other", cancellationToken: Ct);

        Assert.Equal(3, f.Upstream.Calls);
    }

    [Fact]
    public async Task InvalidateNamespaceAsync_RemovesTheNamespaceOnly()
    {
        using var f = new CacheFixture();
        using var client = f.Client();
        await client.GetResponseAsync("q", new ChatOptions().WithCacheNamespace("docs"), Ct);
        await client.GetResponseAsync("q", cancellationToken: Ct);

        await f.Cache.InvalidateNamespaceAsync("docs", Ct);
        await client.GetResponseAsync("q", new ChatOptions().WithCacheNamespace("docs"), Ct);
        await client.GetResponseAsync("q", cancellationToken: Ct);

        Assert.Equal(3, f.Upstream.Calls);
    }

    [Fact]
    public async Task InvalidateRouteAndTenantAsync_RemoveTheirEntries()
    {
        using var f = new CacheFixture();
        using var client = f.Client();
        await client.GetResponseAsync("q", new ChatOptions { ModelId = "fast" }, Ct);
        await client.GetResponseAsync("q", new ChatOptions().WithTenant("acme"), Ct);

        await f.Cache.InvalidateRouteAsync("fast", Ct);
        await f.Cache.InvalidateTenantAsync("acme", Ct);
        await client.GetResponseAsync("q", new ChatOptions { ModelId = "fast" }, Ct);
        await client.GetResponseAsync("q", new ChatOptions().WithTenant("acme"), Ct);

        Assert.Equal(4, f.Upstream.Calls);
    }

    [Fact]
    public async Task Invalidate_BadArguments_Throw()
    {
        using var f = new CacheFixture();

        await Assert.ThrowsAsync<ArgumentException>("tag", () => f.Cache.InvalidateTagAsync(" ", Ct).AsTask());
        await Assert.ThrowsAsync<ArgumentException>("cacheNamespace", () => f.Cache.InvalidateNamespaceAsync("", Ct).AsTask());
        await Assert.ThrowsAsync<ArgumentNullException>("route", () => f.Cache.InvalidateRouteAsync(null!, Ct).AsTask());
        await Assert.ThrowsAsync<ArgumentNullException>("tenantId", () => f.Cache.InvalidateTenantAsync(null!, Ct).AsTask());
        Assert.Throws<ArgumentNullException>("cache", () => new LlmResponseCache(null!));
    }
}
