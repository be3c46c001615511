namespace LlmFallback.Tests.Caching;

public sealed class LlmCacheChatOptionsExtensionsTests
{
    [Fact]
    public void WithAndGet_RoundTrip()
    {
        var options = new ChatOptions().WithNoCache().WithNoStore().WithCacheNamespace("docs").WithCacheTags("a", "b").WithCacheRawRepresentationKey("effort=high");

        Assert.True(options.GetNoCache());
        Assert.True(options.GetNoStore());
        Assert.Equal("docs", options.GetCacheNamespace());
        Assert.Equal(["a", "b"], options.GetCacheTags());
        Assert.Equal("effort=high", options.GetCacheRawRepresentationKey());
    }

    [Fact]
    public void Get_Unset_ReturnsDefaults()
    {
        ChatOptions? none = null;

        Assert.False(none.GetNoCache());
        Assert.False(new ChatOptions().GetNoStore());
        Assert.Null(none.GetCacheNamespace());
        Assert.Empty(new ChatOptions().GetCacheTags());
        Assert.Null(none.GetCacheRawRepresentationKey());
    }

    [Fact]
    public void WithCacheTags_CopiesTheArray()
    {
        string[] tags = ["a"];
        var options = new ChatOptions().WithCacheTags(tags);
        tags[0] = "changed";

        Assert.Equal(["a"], options.GetCacheTags());
    }

    [Fact]
    public void With_BadArguments_Throw()
    {
        Assert.Throws<ArgumentNullException>("options", () => LlmCacheChatOptionsExtensions.WithNoCache(null!));
        Assert.Throws<ArgumentNullException>("options", () => LlmCacheChatOptionsExtensions.WithNoStore(null!));
        Assert.Throws<ArgumentNullException>("options", () => LlmCacheChatOptionsExtensions.WithCacheNamespace(null!, "x"));
        Assert.Throws<ArgumentException>("cacheNamespace", () => new ChatOptions().WithCacheNamespace(" "));
        Assert.Throws<ArgumentNullException>("tags", () => new ChatOptions().WithCacheTags(null!));
        Assert.Throws<ArgumentException>("tags", () => new ChatOptions().WithCacheTags("ok", " "));
        Assert.Throws<ArgumentNullException>("options", () => LlmCacheChatOptionsExtensions.WithCacheTags(null!, "x"));
        Assert.Throws<ArgumentNullException>("options", () => LlmCacheChatOptionsExtensions.WithCacheRawRepresentationKey(null!, "x"));
        Assert.Throws<ArgumentException>("key", () => new ChatOptions().WithCacheRawRepresentationKey(" "));
    }
}
