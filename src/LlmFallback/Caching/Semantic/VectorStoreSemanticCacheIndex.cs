using Microsoft.Extensions.VectorData;

namespace LlmFallback;

/// <summary>
/// A semantic index over any Microsoft.Extensions.VectorData collection (Redis, Qdrant, Azure AI Search, PostgreSQL...),
/// for deployments larger than the in-memory index or shared by several instances. The collection must use
/// <see cref="LlmSemanticCacheRecord.CreateDefinition"/> (cosine similarity, partition indexed).
/// </summary>
public sealed class VectorStoreSemanticCacheIndex : ILlmSemanticCacheIndex
{
    private readonly VectorStoreCollection<string, LlmSemanticCacheRecord> _collection;
    private readonly TimeProvider _time;
    private readonly Lock _creating = new();
    private Task? _created;

    /// <summary>Initializes a new instance of the <see cref="VectorStoreSemanticCacheIndex"/> class.</summary>
    /// <param name="collection">The collection; created on first use if it does not exist.</param>
    /// <param name="timeProvider">The clock entries expire by; <see langword="null"/> for the system clock.</param>
    /// <exception cref="ArgumentNullException"><paramref name="collection"/> is <see langword="null"/>.</exception>
    public VectorStoreSemanticCacheIndex(VectorStoreCollection<string, LlmSemanticCacheRecord> collection, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(collection);
        _collection = collection;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <inheritdoc/>
    public async ValueTask UpsertAsync(LlmSemanticCacheEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        await CreatedAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        await _collection.UpsertAsync(
            new LlmSemanticCacheRecord
            {
                Key = entry.EntryKey,
                Partition = entry.Partition,
                Signature = entry.Signature,
                ExpiresAtUnixMs = entry.ExpiresAt.ToUnixTimeMilliseconds(),
                Vector = entry.Vector,
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async ValueTask<IReadOnlyList<LlmSemanticCacheMatch>> SearchAsync(string partition, ReadOnlyMemory<float> vector, int top, double minSimilarity, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(partition);
        ArgumentOutOfRangeException.ThrowIfLessThan(top, 1);
        await CreatedAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var options = new VectorSearchOptions<LlmSemanticCacheRecord> { Filter = r => r.Partition == partition };
        var matches = new List<LlmSemanticCacheMatch>(top);
        List<string>? expired = null;
        await foreach (var result in _collection.SearchAsync(vector, top, options, cancellationToken).ConfigureAwait(false))
        {
            var record = result.Record;
            if (record.ExpiresAtUnixMs <= now)
            {
                (expired ??= []).Add(record.Key);
                continue;
            }

            if (result.Score is { } score && score >= minSimilarity)
            {
                var entry = new LlmSemanticCacheEntry(record.Partition, record.Key, record.Vector, record.Signature, DateTimeOffset.FromUnixTimeMilliseconds(record.ExpiresAtUnixMs));
                matches.Add(new LlmSemanticCacheMatch(entry, score));
            }
        }

        if (expired is not null)
        {
            await _collection.DeleteAsync(expired, cancellationToken).ConfigureAwait(false);
        }

        return matches;
    }

    /// <inheritdoc/>
    public async ValueTask RemoveAsync(string partition, string entryKey, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(partition);
        ArgumentNullException.ThrowIfNull(entryKey);
        await CreatedAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        await _collection.DeleteAsync(entryKey, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The collection's creation, started once; a creation that failed (the store unreachable for a moment) is started
    /// again by the next call instead of failing every later one.
    /// </summary>
    private Task CreatedAsync()
    {
        var created = Volatile.Read(ref _created);
        if (created is { IsFaulted: false, IsCanceled: false })
        {
            return created;
        }

        lock (_creating)
        {
            if (_created is not { IsFaulted: false, IsCanceled: false })
            {
                _created = _collection.EnsureCollectionExistsAsync();
            }

            return _created;
        }
    }
}
