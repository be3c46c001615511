namespace LlmFallback.Tests.Caching;

public sealed class LlmCallInfoCachingTests
{
    [Fact]
    public void NotFromTheCache_ReportsNoHit()
    {
        var info = new LlmCallInfo("openai", "gpt", TimeSpan.FromSeconds(1));

        Assert.Equal((false, null, null, null), (info.CacheHit, info.CacheKind, info.CacheSimilarity, info.CacheSavedUsage));
    }

    [Fact]
    public void CacheSavedUsage_IsACopyOfTheStoredUsage()
    {
        var stored = new UsageDetails { InputTokenCount = 5, OutputTokenCount = 7, TotalTokenCount = 12 };
        var info = new LlmCallInfo("openai", "gpt", TimeSpan.Zero);
        info.Annotations.CacheKind = LlmCacheKind.Semantic;
        info.Annotations.CacheSimilarity = 0.93;
        info.Annotations.CacheSavedUsage = stored;

        var saved = info.CacheSavedUsage!;
        saved.TotalTokenCount = 0;

        Assert.True(info.CacheHit);
        Assert.Equal(LlmCacheKind.Semantic, info.CacheKind);
        Assert.Equal(0.93, info.CacheSimilarity);
        Assert.Equal(12, stored.TotalTokenCount);
        Assert.Equal(12, info.CacheSavedUsage!.TotalTokenCount);
    }
}
