using Microsoft.Extensions.Time.Testing;

namespace LlmFallback.Tests.Caching.Semantic;

public sealed class InMemorySemanticCacheIndexTests
{
    private static CancellationToken Ct => CacheFixture.Ct;

    private static LlmSemanticCacheEntry Entry(string partition, string key, float x, float y, DateTimeOffset? expires = null) =>
        new(partition, key, new float[] { x, y }, "sig", expires ?? DateTimeOffset.MaxValue);

    [Fact]
    public async Task SearchAsync_ExactCosine_BestFirstWithinThePartitionOnly()
    {
        using var index = new InMemorySemanticCacheIndex();
        await index.UpsertAsync(Entry("p", "far", 0, 1), Ct);
        await index.UpsertAsync(Entry("p", "near", 3, 4), Ct);
        await index.UpsertAsync(Entry("p", "same", 2, 0), Ct);
        await index.UpsertAsync(Entry("other", "same-elsewhere", 1, 0), Ct);

        var matches = await index.SearchAsync("p", new float[] { 5, 0 }, 2, 0.1, Ct);

        Assert.Equal(["same", "near"], matches.Select(m => m.Entry.EntryKey));
        Assert.Equal(1.0, matches[0].Similarity, 5);
        Assert.Equal(0.6, matches[1].Similarity, 5);
        Assert.Empty(await index.SearchAsync("missing", new float[] { 1, 0 }, 2, 0.1, Ct));
        Assert.Empty(await index.SearchAsync("p", new float[] { 0, 0 }, 2, 0.1, Ct));
    }

    [Fact]
    public async Task UpsertAsync_BeyondMaxEntries_DropsTheOldestFirst()
    {
        using var index = new InMemorySemanticCacheIndex(maxEntries: 3);
        for (var i = 0; i < 5; i++)
        {
            await index.UpsertAsync(Entry("p", "k" + i, 1, i / 10f), Ct);
        }

        var keys = (await index.SearchAsync("p", new float[] { 1, 0 }, 10, -1, Ct)).Select(m => m.Entry.EntryKey).Order();

        Assert.Equal(3, index.Count);
        Assert.Equal(["k2", "k3", "k4"], keys);
    }

    [Fact]
    public async Task UpsertAsync_SameKey_ReplacesTheEntry()
    {
        using var index = new InMemorySemanticCacheIndex();
        await index.UpsertAsync(Entry("p", "k", 1, 0), Ct);
        await index.UpsertAsync(Entry("p", "k", 0, 1), Ct);

        var match = Assert.Single(await index.SearchAsync("p", new float[] { 0, 1 }, 5, 0.5, Ct));

        Assert.Equal(1, index.Count);
        Assert.Equal(1.0, match.Similarity, 5);
    }

    [Fact]
    public async Task SearchAsync_ExpiredEntry_IsSkippedAndRemoved()
    {
        var time = new FakeTimeProvider();
        using var index = new InMemorySemanticCacheIndex(timeProvider: time);
        await index.UpsertAsync(Entry("p", "k", 1, 0, time.GetUtcNow().AddMinutes(5)), Ct);

        Assert.Single(await index.SearchAsync("p", new float[] { 1, 0 }, 5, 0.5, Ct));
        time.Advance(TimeSpan.FromMinutes(5));

        Assert.Empty(await index.SearchAsync("p", new float[] { 1, 0 }, 5, 0.5, Ct));
        Assert.Equal(0, index.Count);
    }

    [Fact]
    public async Task RemoveAsync_RemovesAndKeepsTheOthersFindable()
    {
        using var index = new InMemorySemanticCacheIndex();
        await index.UpsertAsync(Entry("p", "a", 1, 0), Ct);
        await index.UpsertAsync(Entry("p", "b", 1, 0.1f), Ct);
        await index.UpsertAsync(Entry("p", "c", 1, 0.2f), Ct);

        await index.RemoveAsync("p", "a", Ct);
        await index.RemoveAsync("p", "missing", Ct);

        Assert.Equal(["b", "c"], (await index.SearchAsync("p", new float[] { 1, 0 }, 5, 0, Ct)).Select(m => m.Entry.EntryKey).Order());
    }

    [Fact]
    public async Task UpsertAsync_OtherDimensionsInAPartition_Throws()
    {
        using var index = new InMemorySemanticCacheIndex();
        await index.UpsertAsync(Entry("p", "a", 1, 0), Ct);

        var error = await Assert.ThrowsAsync<ArgumentException>("entry", () => index.UpsertAsync(new("p", "b", new float[] { 1, 0, 0 }, "s", DateTimeOffset.MaxValue), Ct).AsTask());

        Assert.Contains("3 dimensions", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConcurrentUpsertsAndSearches_StayConsistentAndBounded()
    {
        // 8 × 400 upserts (a tenth removed again) against a bound of 2,000: the bound is enforced while a thread's own
        // entry cannot be evicted before its search unless 2,000 others were written in between.
        using var index = new InMemorySemanticCacheIndex(maxEntries: 2000);
        var tasks = Enumerable.Range(0, 8).Select(t => Task.Run(async () =>
        {
            var random = new Random(t);
            for (var i = 0; i < 400; i++)
            {
                var v = new float[] { (float)random.NextDouble(), (float)random.NextDouble(), 1 };
                await index.UpsertAsync(new("p" + (i % 3), $"{t}-{i}", v, "s", DateTimeOffset.MaxValue), Ct);
                var found = await index.SearchAsync("p" + (i % 3), v, 3, 0.999, Ct);
                Assert.NotEmpty(found);
                if (i % 10 == 0)
                {
                    await index.RemoveAsync("p" + (i % 3), $"{t}-{i}", Ct);
                }
            }
        }, Ct));

        await Task.WhenAll(tasks).WaitAsync(TimeSpan.FromSeconds(60), Ct);

        Assert.InRange(index.Count, 1, 2000);
        var total = 0;
        for (var p = 0; p < 3; p++)
        {
            total += (await index.SearchAsync("p" + p, new float[] { 0.5f, 0.5f, 1 }, 1000, -1, Ct)).Count;
        }

        Assert.Equal(index.Count, total);
    }

    [Fact]
    public async Task PublicMethods_BadArguments_Throw()
    {
        Assert.Throws<ArgumentOutOfRangeException>("maxEntries", () => new InMemorySemanticCacheIndex(0));
        using var index = new InMemorySemanticCacheIndex();
        await Assert.ThrowsAsync<ArgumentNullException>("entry", () => index.UpsertAsync(null!, Ct).AsTask());
        await Assert.ThrowsAsync<ArgumentNullException>("partition", () => index.SearchAsync(null!, new float[] { 1 }, 1, 0, Ct).AsTask());
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>("top", () => index.SearchAsync("p", new float[] { 1 }, 0, 0, Ct).AsTask());
        await Assert.ThrowsAsync<ArgumentNullException>("partition", () => index.RemoveAsync(null!, "k", Ct).AsTask());
        await Assert.ThrowsAsync<ArgumentNullException>("entryKey", () => index.RemoveAsync("p", null!, Ct).AsTask());
    }
}
