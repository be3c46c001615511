namespace LlmFallback.Tests.Caching.Semantic;

/// <summary>
/// A deterministic embedder: texts given with <see cref="Set"/> get exactly that vector (so a test fixes the cosine
/// between two prompts); others get a unit vector made from their hash, nearly orthogonal to everything else.
/// </summary>
internal sealed class FakeEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    public const int Dimensions = 8;

    private readonly Dictionary<string, float[]> _vectors = new(StringComparer.Ordinal);

    public int Calls { get; private set; }

    public Exception? Failure { get; set; }

    /// <summary>Gives <paramref name="text"/> a vector at cosine <paramref name="similarity"/> to the first axis.</summary>
    public FakeEmbeddingGenerator Set(string text, double similarity)
    {
        var v = new float[Dimensions];
        v[0] = (float)similarity;
        v[1] = (float)Math.Sqrt(Math.Max(0, 1 - (similarity * similarity)));
        _vectors[text] = v;
        return this;
    }

    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        Calls++;
        if (Failure is not null)
        {
            return Task.FromException<GeneratedEmbeddings<Embedding<float>>>(Failure);
        }

        var result = new GeneratedEmbeddings<Embedding<float>>();
        foreach (var value in values)
        {
            result.Add(new Embedding<float>(_vectors.TryGetValue(value, out var v) ? v : FromHash(value)));
        }

        return Task.FromResult(result);
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    public void Dispose()
    {
    }

    private static float[] FromHash(string text)
    {
        var random = new Random(StringComparer.Ordinal.GetHashCode(text));
        var v = new float[Dimensions];
        for (var i = 2; i < Dimensions; i++)
        {
            v[i] = (float)(random.NextDouble() - 0.5);
        }

        return v;
    }
}
