using Microsoft.Extensions.Time.Testing;
using Microsoft.Extensions.VectorData;

namespace LlmFallback.Tests.Caching.Semantic;

public sealed class VectorStoreSemanticCacheIndexTests
{
    private static CancellationToken Ct => CacheFixture.Ct;

    [Fact]
    public async Task SearchAsync_ReturnsPartitionMatchesAboveThresholdBestFirst()
    {
        var collection = new FakeVectorStoreCollection();
        var time = new FakeTimeProvider();
        var index = new VectorStoreSemanticCacheIndex(collection, time);
        var expires = time.GetUtcNow().AddHours(1);
        await index.UpsertAsync(new("p1", "k1", new float[] { 1, 0 }, "s1", expires), Ct);
        await index.UpsertAsync(new("p1", "k2", new float[] { 0.8f, 0.6f }, "s2", expires), Ct);
        await index.UpsertAsync(new("p1", "k3", new float[] { 0, 1 }, "s3", expires), Ct);
        await index.UpsertAsync(new("p2", "k4", new float[] { 1, 0 }, "s4", expires), Ct);

        var matches = await index.SearchAsync("p1", new float[] { 1, 0 }, 4, 0.5, Ct);

        Assert.Equal(["k1", "k2"], matches.Select(m => m.Entry.EntryKey));
        Assert.Equal(0.8, matches[1].Similarity, 3);
        Assert.Equal("s2", matches[1].Entry.Signature);
        Assert.Equal(expires.ToUnixTimeMilliseconds(), matches[1].Entry.ExpiresAt.ToUnixTimeMilliseconds());
    }

    [Fact]
    public async Task SearchAsync_ExpiredRecord_IsSkippedAndDeleted()
    {
        var collection = new FakeVectorStoreCollection();
        var time = new FakeTimeProvider();
        var index = new VectorStoreSemanticCacheIndex(collection, time);
        await index.UpsertAsync(new("p", "k", new float[] { 1, 0 }, "s", time.GetUtcNow().AddMinutes(1)), Ct);

        time.Advance(TimeSpan.FromMinutes(1));
        var matches = await index.SearchAsync("p", new float[] { 1, 0 }, 4, 0.5, Ct);

        Assert.Empty(matches);
        Assert.Empty(collection.Records);
    }

    [Fact]
    public async Task UpsertAsync_CollectionCreationFailedOnce_TriedAgainOnTheNextCall()
    {
        // The failed creation was kept for the life of the index: one unreachable moment at start turned every later
        // search and write into a failure.
        var collection = new FakeVectorStoreCollection { FailEnsures = 1 };
        var index = new VectorStoreSemanticCacheIndex(collection);

        await Assert.ThrowsAsync<HttpRequestException>(() => index.UpsertAsync(new("p", "k", new float[] { 1, 0 }, "s", DateTimeOffset.MaxValue), Ct).AsTask());
        await index.UpsertAsync(new("p", "k", new float[] { 1, 0 }, "s", DateTimeOffset.MaxValue), Ct);
        var matches = await index.SearchAsync("p", new float[] { 1, 0 }, 4, 0.5, Ct);

        Assert.Equal("k", Assert.Single(matches).Entry.EntryKey);
        Assert.Equal(2, collection.Ensures);
    }

    [Fact]
    public async Task RemoveAsync_DeletesTheRecord()
    {
        var collection = new FakeVectorStoreCollection();
        var index = new VectorStoreSemanticCacheIndex(collection);
        await index.UpsertAsync(new("p", "k", new float[] { 1, 0 }, "s", DateTimeOffset.MaxValue), Ct);

        await index.RemoveAsync("p", "k", Ct);

        Assert.Empty(collection.Records);
    }

    [Fact]
    public async Task UseCaching_WithVectorStoreIndex_ServesSemanticHits()
    {
        using var f = new CacheFixture();
        var collection = new FakeVectorStoreCollection();
        var embedder = new FakeEmbeddingGenerator().Set("How do I reset my password?", 1).Set("How can I reset my password?", 0.97);
        using var client = f.Client(new LlmCachingOptions { Semantic = { Enabled = true } }, embedder, new VectorStoreSemanticCacheIndex(collection, f.Time));

        await client.GetResponseAsync("How do I reset my password?", cancellationToken: Ct);
        var hit = await client.GetResponseAsync("How can I reset my password?", cancellationToken: Ct);

        Assert.Equal(LlmCacheKind.Semantic, hit.GetLlmCallInfo()!.CacheKind);
        Assert.Single(collection.Records);
        Assert.DoesNotContain("password", collection.Records.Values.Single().Signature, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void CreateDefinition_DescribesKeyPartitionAndCosineVector()
    {
        var definition = LlmSemanticCacheRecord.CreateDefinition(384);

        var vector = Assert.Single(definition.Properties.OfType<VectorStoreVectorProperty>());
        Assert.Equal(384, vector.Dimensions);
        Assert.Equal(DistanceFunction.CosineSimilarity, vector.DistanceFunction);
        Assert.Equal(nameof(LlmSemanticCacheRecord.Key), Assert.Single(definition.Properties.OfType<VectorStoreKeyProperty>()).Name);
        Assert.True(definition.Properties.OfType<VectorStoreDataProperty>().Single(p => p.Name == nameof(LlmSemanticCacheRecord.Partition)).IsIndexed);
        Assert.Throws<ArgumentOutOfRangeException>("dimensions", () => LlmSemanticCacheRecord.CreateDefinition(0));
    }

    [Fact]
    public async Task PublicMethods_NullArguments_Throw()
    {
        Assert.Throws<ArgumentNullException>("collection", () => new VectorStoreSemanticCacheIndex(null!));
        var index = new VectorStoreSemanticCacheIndex(new FakeVectorStoreCollection());
        await Assert.ThrowsAsync<ArgumentNullException>("entry", () => index.UpsertAsync(null!, Ct).AsTask());
        await Assert.ThrowsAsync<ArgumentNullException>("partition", () => index.SearchAsync(null!, new float[] { 1 }, 1, 0, Ct).AsTask());
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>("top", () => index.SearchAsync("p", new float[] { 1 }, 0, 0, Ct).AsTask());
        await Assert.ThrowsAsync<ArgumentNullException>("entryKey", () => index.RemoveAsync("p", null!, Ct).AsTask());
    }
}
