using Microsoft.Extensions.VectorData;

namespace LlmFallback;

/// <summary>
/// The record <see cref="VectorStoreSemanticCacheIndex"/> stores. Get its collection with
/// <c>store.GetCollection&lt;string, LlmSemanticCacheRecord&gt;(name, LlmSemanticCacheRecord.CreateDefinition(dimensions))</c>.
/// It holds hashes and an embedding, never prompt text.
/// </summary>
public sealed class LlmSemanticCacheRecord
{
    /// <summary>Gets or sets the record key: the answer's key in <see cref="LlmResponseCache"/>.</summary>
    public string Key { get; set; } = string.Empty;

    /// <summary>Gets or sets the partition (see <see cref="LlmSemanticCacheEntry.Partition"/>); filtered on, so indexed.</summary>
    public string Partition { get; set; } = string.Empty;

    /// <summary>Gets or sets the prompt's lexical signature (opaque, hashes only).</summary>
    public string Signature { get; set; } = string.Empty;

    /// <summary>Gets or sets when the record expires, in Unix milliseconds.</summary>
    public long ExpiresAtUnixMs { get; set; }

    /// <summary>Gets or sets the prompt's embedding.</summary>
    public ReadOnlyMemory<float> Vector { get; set; }

    /// <summary>Describes the record to a vector store, with cosine similarity over <paramref name="dimensions"/> dimensions.</summary>
    /// <param name="dimensions">The embedding generator's dimensions (384 for the local MiniLM generator).</param>
    /// <returns>The collection definition.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="dimensions"/> is less than 1.</exception>
    public static VectorStoreCollectionDefinition CreateDefinition(int dimensions)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dimensions, 1);
        return new VectorStoreCollectionDefinition
        {
            Properties =
            [
                new VectorStoreKeyProperty(nameof(Key), typeof(string)),
                new VectorStoreDataProperty(nameof(Partition), typeof(string)) { IsIndexed = true },
                new VectorStoreDataProperty(nameof(Signature), typeof(string)),
                new VectorStoreDataProperty(nameof(ExpiresAtUnixMs), typeof(long)),
                new VectorStoreVectorProperty(nameof(Vector), typeof(ReadOnlyMemory<float>), dimensions) { DistanceFunction = DistanceFunction.CosineSimilarity },
            ],
        };
    }
}
