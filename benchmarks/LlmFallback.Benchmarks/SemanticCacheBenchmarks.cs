using BenchmarkDotNet.Attributes;
using LlmFallback.LocalEmbeddings;
using Microsoft.Extensions.AI;

namespace LlmFallback.Benchmarks;

/// <summary>
/// The semantic cache's costs: an exact-cosine search of the in-memory index holding 10k or 100k 384-dimension
/// entries in one partition (the worst case: every entry is a candidate), the lexical guards on one candidate, and
/// embedding one prompt with the local MiniLM generator (the baseline the search is measured against).
/// </summary>
[MemoryDiagnoser]
public class SemanticCacheBenchmarks
{
    private const int Dimensions = MiniLmEmbeddingGenerator.Dimensions;
    private InMemorySemanticCacheIndex _index = null!;
    private MiniLmEmbeddingGenerator _generator = null!;
    private float[] _query = null!;
    private PromptSignature _stored = null!;
    private PromptSignature _asked = null!;

    [Params(10_000, 100_000)]
    public int Entries { get; set; }

    [GlobalSetup]
    public async Task Setup()
    {
        var random = new Random(42);
        _index = new InMemorySemanticCacheIndex(Entries);
        for (var i = 0; i < Entries; i++)
        {
            await _index.UpsertAsync(new LlmSemanticCacheEntry("partition", "key" + i, Vector(random), "sig", DateTimeOffset.MaxValue));
        }

        _query = Vector(random);
        _generator = new MiniLmEmbeddingGenerator();
        await _generator.GenerateVectorAsync("warm up the model");
        _stored = PromptSignature.Parse("What is the refund policy for orders over $50?");
        _asked = PromptSignature.Parse("Can you tell me the refund policy for orders over $50?");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _index.Dispose();
        _generator.Dispose();
    }

    [Benchmark(Baseline = true)]
    public Task<ReadOnlyMemory<float>> EmbedPromptMiniLm() => _generator.GenerateVectorAsync("What is the refund policy for orders over $50?");

    [Benchmark]
    public ValueTask<IReadOnlyList<LlmSemanticCacheMatch>> SearchIndex() => _index.SearchAsync("partition", _query, 4, 0.8);

    [Benchmark]
    public string? GuardsOneCandidate() => SemanticGuards.Check(_asked, _stored, new LlmSemanticCacheOptions());

    private static float[] Vector(Random random)
    {
        var v = new float[Dimensions];
        for (var i = 0; i < v.Length; i++)
        {
            v[i] = (float)(random.NextDouble() - 0.5);
        }

        return v;
    }
}
