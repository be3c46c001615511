using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace LlmFallback.Tests.Caching;

public sealed class LlmCachingChatClientMetricsTests
{
    [Fact]
    public async Task GetResponseAsync_MissThenHit_CountedOnTheLibraryMeter()
    {
        using var requests = new MetricCollector<long>(LlmFallbackDiagnostics.Meter, CacheMetrics.RequestsInstrument);
        using var stores = new MetricCollector<long>(LlmFallbackDiagnostics.Meter, CacheMetrics.StoresInstrument);
        using var f = new CacheFixture();
        using var client = f.Client();
        var ns = new ChatOptions().WithCacheNamespace("metrics-" + Guid.NewGuid().ToString("N"));

        await client.GetResponseAsync("q", ns, CacheFixture.Ct);
        await client.GetResponseAsync("q", ns, CacheFixture.Ct);

        var results = requests.GetMeasurementSnapshot().Select(m => (string?)m.Tags[CacheMetrics.ResultTag] + "/" + (string?)m.Tags[CacheMetrics.KindTag]).ToList();
        Assert.Contains("miss/none", results);
        Assert.Contains("hit/exact", results);
        Assert.Contains(stores.GetMeasurementSnapshot(), m => (string?)m.Tags[CacheMetrics.ResultTag] == "stored");
        Assert.Equal("llmfallback.cache.requests", CacheMetrics.RequestsInstrument);
    }
}
