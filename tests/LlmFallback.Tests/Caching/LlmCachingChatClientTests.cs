using Microsoft.Extensions.Caching.Hybrid;

namespace LlmFallback.Tests.Caching;

public sealed class LlmCachingChatClientTests
{
    private static CancellationToken Ct => CacheFixture.Ct;

    [Fact]
    public async Task GetResponseAsync_SameRequestTwice_SecondIsAnExactHitWithoutUpstreamCall()
    {
        using var f = new CacheFixture();
        using var client = f.Client();

        var first = await client.GetResponseAsync("What is Python?", cancellationToken: Ct);
        var second = await client.GetResponseAsync("What is Python?", cancellationToken: Ct);

        Assert.Equal(1, f.Upstream.Calls);
        Assert.Equal(first.Text, second.Text);
        Assert.False(first.GetLlmCallInfo()?.CacheHit ?? false);
        var info = second.GetLlmCallInfo();
        Assert.NotNull(info);
        Assert.True(info.CacheHit);
        Assert.Equal(LlmCacheKind.Exact, info.CacheKind);
        Assert.Null(info.CacheSimilarity);
        Assert.Equal(0, info.AttemptCount);
        Assert.Equal(30, info.CacheSavedUsage?.TotalTokenCount);
        Assert.Equal(30, second.Usage?.TotalTokenCount);
        Assert.Equal(ChatFinishReason.Stop, second.FinishReason);
        Assert.Equal("model-1", second.ModelId);
    }

    [Fact]
    public async Task GetResponseAsync_RoutesNamedWithWithRoute_NeverShareAnswersAndKeepTheirTimeToLive()
    {
        using var f = new CacheFixture();
        using var client = f.Client(new LlmCachingOptions { RouteTimeToLive = { ["live"] = TimeSpan.Zero } });

        var fast = await client.GetResponseAsync("q", new ChatOptions().WithRoute("fast"), Ct);
        var smart = await client.GetResponseAsync("q", new ChatOptions().WithRoute("smart"), Ct);
        await client.GetResponseAsync("q", new ChatOptions().WithRoute("live"), Ct);
        var live = await client.GetResponseAsync("q", new ChatOptions().WithRoute("live"), Ct);

        Assert.Equal(("answer 1", "answer 2", "answer 4"), (fast.Text, smart.Text, live.Text));
        Assert.False(smart.GetLlmCallInfo()?.CacheHit ?? false);
        Assert.Equal(4, f.Upstream.Calls);
    }

    [Fact]
    public async Task GetResponseAsync_RequestsDifferingOnlyInRawRepresentationFactory_NeitherLookedUpNorStored()
    {
        using var f = new CacheFixture();
        using var client = f.Client();
        await client.GetResponseAsync("q", cancellationToken: Ct);

        var low = await client.GetResponseAsync("q", new ChatOptions { RawRepresentationFactory = _ => "effort=low" }, Ct);
        var high = await client.GetResponseAsync("q", new ChatOptions { RawRepresentationFactory = _ => "effort=high" }, Ct);

        Assert.Equal(("answer 2", "answer 3"), (low.Text, high.Text));
        Assert.False(high.GetLlmCallInfo()?.CacheHit ?? false);
        Assert.Equal(3, f.Upstream.Calls);
    }

    [Fact]
    public async Task GetResponseAsync_RawRepresentationFactoryWithCacheKey_CachedPerKey()
    {
        using var f = new CacheFixture();
        using var client = f.Client();
        static ChatOptions Effort(string effort) => new ChatOptions { RawRepresentationFactory = _ => effort }.WithCacheRawRepresentationKey("effort=" + effort);

        var high = await client.GetResponseAsync("q", Effort("high"), Ct);
        var low = await client.GetResponseAsync("q", Effort("low"), Ct);
        var highAgain = await client.GetResponseAsync("q", Effort("high"), Ct);

        Assert.Equal(("answer 1", "answer 2", "answer 1"), (high.Text, low.Text, highAgain.Text));
        Assert.True(highAgain.GetLlmCallInfo()?.CacheHit);
        Assert.Equal(2, f.Upstream.Calls);
    }

    [Fact]
    public async Task GetResponseAsync_Hit_ReturnsACopyTheCallerMayChange()
    {
        using var f = new CacheFixture();
        using var client = f.Client();
        await client.GetResponseAsync("q", cancellationToken: Ct);

        var hit = await client.GetResponseAsync("q", cancellationToken: Ct);
        ((TextContent)hit.Messages[0].Contents[0]).Text = "changed by an outer stage";
        hit.AdditionalProperties!["x"] = 1;
        var again = await client.GetResponseAsync("q", cancellationToken: Ct);

        Assert.Equal("answer 1", again.Text);
        Assert.False(again.AdditionalProperties!.ContainsKey("x"));
        Assert.NotSame(hit.GetLlmCallInfo(), again.GetLlmCallInfo());
    }

    [Fact]
    public async Task GetResponseAsync_AnswerChangedAfterStore_StoredCopyUnchanged()
    {
        using var f = new CacheFixture();
        using var client = f.Client();

        var first = await client.GetResponseAsync("q", cancellationToken: Ct);
        ((TextContent)first.Messages[0].Contents[0]).Text = "rewritten";
        var hit = await client.GetResponseAsync("q", cancellationToken: Ct);

        Assert.Equal("answer 1", hit.Text);
    }

    [Fact]
    public async Task GetResponseAsync_AnswerFromFallbackStage_HitNamesTheOriginalProvider()
    {
        using var f = new CacheFixture();
        f.Upstream.Respond = n =>
        {
            var r = CountingClient.Answer("answer " + n);
            r.SetLlmCallInfo(new LlmCallInfo("openai", "gpt-4o-mini", TimeSpan.FromMilliseconds(5)));
            return r;
        };
        using var client = f.Client();

        await client.GetResponseAsync("q", cancellationToken: Ct);
        var hit = await client.GetResponseAsync("q", cancellationToken: Ct);

        var info = hit.GetLlmCallInfo()!;
        Assert.Equal("openai", info.Provider);
        Assert.Equal("gpt-4o-mini", info.ModelId);
        Assert.True(info.CacheHit);
    }

    [Fact]
    public async Task GetResponseAsync_DifferentUsers_NeverShareAnEntry()
    {
        using var f = new CacheFixture();
        using var client = f.Client();

        var a = await client.GetResponseAsync("my balance?", new ChatOptions().WithUser("alice"), Ct);
        var b = await client.GetResponseAsync("my balance?", new ChatOptions().WithUser("bob"), Ct);
        var a2 = await client.GetResponseAsync("my balance?", new ChatOptions().WithUser("alice"), Ct);

        Assert.Equal(2, f.Upstream.Calls);
        Assert.NotEqual(a.Text, b.Text);
        Assert.Equal(a.Text, a2.Text);
        Assert.False(b.GetLlmCallInfo()?.CacheHit ?? false);
    }

    [Fact]
    public async Task GetResponseAsync_SameUserOtherTenant_DoesNotShare()
    {
        using var f = new CacheFixture();
        using var client = f.Client();

        await client.GetResponseAsync("q", new ChatOptions().WithTenant("t1").WithUser("u"), Ct);
        await client.GetResponseAsync("q", new ChatOptions().WithTenant("t2").WithUser("u"), Ct);

        Assert.Equal(2, f.Upstream.Calls);
    }

    [Fact]
    public async Task GetResponseAsync_TenantScope_UsersOfOneTenantShare()
    {
        using var f = new CacheFixture();
        using var client = f.Client(new LlmCachingOptions { Scope = LlmCacheScope.Tenant });

        await client.GetResponseAsync("q", new ChatOptions().WithTenant("t1").WithUser("u1"), Ct);
        var hit = await client.GetResponseAsync("q", new ChatOptions().WithTenant("t1").WithUser("u2"), Ct);
        await client.GetResponseAsync("q", new ChatOptions().WithTenant("t2").WithUser("u1"), Ct);

        Assert.True(hit.GetLlmCallInfo()!.CacheHit);
        Assert.Equal(2, f.Upstream.Calls);
    }

    [Fact]
    public async Task GetResponseAsync_SharedScope_EveryoneShares()
    {
        using var f = new CacheFixture();
        using var client = f.Client(new LlmCachingOptions { Scope = LlmCacheScope.Shared });

        await client.GetResponseAsync("q", new ChatOptions().WithTenant("t1").WithUser("u1"), Ct);
        await client.GetResponseAsync("q", new ChatOptions().WithTenant("t2").WithUser("u2"), Ct);

        Assert.Equal(1, f.Upstream.Calls);
    }

    [Fact]
    public async Task GetResponseAsync_NoCache_SkipsLookupButRefreshesEntry()
    {
        using var f = new CacheFixture();
        using var client = f.Client();
        await client.GetResponseAsync("q", cancellationToken: Ct);

        var fresh = await client.GetResponseAsync("q", new ChatOptions().WithNoCache(), Ct);
        var hit = await client.GetResponseAsync("q", cancellationToken: Ct);

        Assert.Equal("answer 2", fresh.Text);
        Assert.Equal("answer 2", hit.Text);
        Assert.Equal(2, f.Upstream.Calls);
    }

    [Fact]
    public async Task GetResponseAsync_NoStore_ReadsButNeverWrites()
    {
        using var f = new CacheFixture();
        using var client = f.Client();

        await client.GetResponseAsync("q", new ChatOptions().WithNoStore(), Ct);
        await client.GetResponseAsync("q", cancellationToken: Ct);
        var hit = await client.GetResponseAsync("q", new ChatOptions().WithNoStore(), Ct);

        Assert.Equal(2, f.Upstream.Calls);
        Assert.Equal("answer 2", hit.Text);
        Assert.True(hit.GetLlmCallInfo()!.CacheHit);
    }

    [Fact]
    public async Task GetResponseAsync_NoCacheAndNoStore_BypassesEntirely()
    {
        using var f = new CacheFixture();
        using var client = f.Client();
        await client.GetResponseAsync("q", cancellationToken: Ct);

        var r = await client.GetResponseAsync("q", new ChatOptions().WithNoCache().WithNoStore(), Ct);
        var hit = await client.GetResponseAsync("q", cancellationToken: Ct);

        Assert.Equal("answer 2", r.Text);
        Assert.Equal("answer 1", hit.Text);
    }

    [Fact]
    public async Task GetResponseAsync_Disabled_AlwaysCallsUpstream()
    {
        using var f = new CacheFixture();
        using var client = f.Client(new LlmCachingOptions { Enabled = false });

        await client.GetResponseAsync("q", cancellationToken: Ct);
        await client.GetResponseAsync("q", cancellationToken: Ct);

        Assert.Equal(2, f.Upstream.Calls);
    }

    [Fact]
    public async Task GetResponseAsync_ConversationId_IsNeverCached()
    {
        using var f = new CacheFixture();
        using var client = f.Client();

        await client.GetResponseAsync("q", new ChatOptions { ConversationId = "c1" }, Ct);
        await client.GetResponseAsync("q", new ChatOptions { ConversationId = "c1" }, Ct);

        Assert.Equal(2, f.Upstream.Calls);
    }

    [Fact]
    public async Task GetResponseAsync_NullMessages_Throws()
    {
        using var f = new CacheFixture();
        using var client = f.Client();

        await Assert.ThrowsAsync<ArgumentNullException>("messages", () => client.GetResponseAsync((IEnumerable<ChatMessage>)null!, null, Ct));
        await Assert.ThrowsAsync<ArgumentNullException>("messages", async () =>
        {
            await foreach (var _ in client.GetStreamingResponseAsync((IEnumerable<ChatMessage>)null!, null, Ct))
            {
            }
        });
    }

    [Fact]
    public void Constructor_BadArguments_ThrowNamingTheKey()
    {
        using var f = new CacheFixture();

        Assert.Throws<ArgumentNullException>("innerClient", () => new LlmCachingChatClient(null!, f.Cache));
        Assert.Throws<ArgumentNullException>("cache", () => new LlmCachingChatClient(f.Upstream, null!));
        var bad = Assert.Throws<ArgumentException>("options", () => new LlmCachingChatClient(f.Upstream, f.Cache, new LlmCachingOptions { DefaultTimeToLive = TimeSpan.Zero }));
        Assert.StartsWith("Llm:Caching:DefaultTimeToLive must be positive", bad.Message, StringComparison.Ordinal);
        var semantic = Assert.Throws<ArgumentException>("embeddingGenerator", () => new LlmCachingChatClient(f.Upstream, f.Cache, new LlmCachingOptions { Semantic = { Enabled = true } }));
        Assert.StartsWith("Llm:Caching:Semantic:Enabled is true but no embedding generator was given", semantic.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GetService_ReturnsTheCacheAndTheClient()
    {
        using var f = new CacheFixture();
        using var client = f.Client();

        Assert.Same(f.Cache, client.GetService<LlmResponseCache>());
        Assert.Same(client, client.GetService<LlmCachingChatClient>());
        Assert.Null(client.GetService<LlmResponseCache>("key"));
        Assert.Null(client.GetService<HybridCache>());
        Assert.Throws<ArgumentNullException>("serviceType", () => client.GetService(null!));
    }
}
