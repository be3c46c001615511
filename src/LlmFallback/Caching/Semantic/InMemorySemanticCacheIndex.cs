using System.Numerics.Tensors;

namespace LlmFallback;

/// <summary>
/// A bounded, thread-safe in-memory semantic index with exact cosine similarity (SIMD through
/// <see cref="TensorPrimitives"/>), good to about 100,000 entries. Vectors of a partition sit in one contiguous array;
/// searches run in parallel under a read lock; the oldest entries are dropped beyond the bound and expired ones are
/// skipped, then removed.
/// </summary>
public sealed partial class InMemorySemanticCacheIndex : ILlmSemanticCacheIndex, IDisposable
{
    private readonly ReaderWriterLockSlim _lock = new(LockRecursionPolicy.NoRecursion);
    private readonly Dictionary<string, Partition> _partitions = new(StringComparer.Ordinal);
    private readonly Queue<Slot> _order = new();
    private readonly int _maxEntries;
    private readonly TimeProvider _time;
    private int _count;

    /// <summary>Initializes a new instance of the <see cref="InMemorySemanticCacheIndex"/> class.</summary>
    /// <param name="maxEntries">The most entries kept; the oldest are dropped first.</param>
    /// <param name="timeProvider">The clock entries expire by; <see langword="null"/> for the system clock.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxEntries"/> is less than 1.</exception>
    public InMemorySemanticCacheIndex(int maxEntries = 10_000, TimeProvider? timeProvider = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxEntries, 1);
        _maxEntries = maxEntries;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>Gets how many entries the index holds (expired ones included until they are removed).</summary>
    public int Count => Volatile.Read(ref _count);

    /// <inheritdoc/>
    public ValueTask UpsertAsync(LlmSemanticCacheEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var vector = Normalized(entry.Vector.Span);
        if (vector is null)
        {
            return default;
        }

        _lock.EnterWriteLock();
        try
        {
            if (_partitions.TryGetValue(entry.Partition, out var partition) && partition.ByKey.TryGetValue(entry.EntryKey, out var existing))
            {
                RemoveSlot(existing);
            }

            if (!_partitions.TryGetValue(entry.Partition, out partition))
            {
                partition = new Partition(vector.Length);
                _partitions.Add(entry.Partition, partition);
            }

            if (partition.Dimensions != vector.Length)
            {
                throw new ArgumentException($"The entry's vector has {vector.Length} dimensions; its partition holds {partition.Dimensions}. Use one embedding generator per cache.", nameof(entry));
            }

            var slot = partition.Add(entry, vector);
            _order.Enqueue(slot);
            _count++;
            while (_count > _maxEntries && _order.TryDequeue(out var oldest))
            {
                RemoveSlot(oldest);
            }

            if (_order.Count > 2 * Math.Max(_count, 1024))
            {
                Compact();
            }
        }
        finally
        {
            _lock.ExitWriteLock();
        }

        return default;
    }

    /// <inheritdoc/>
    public ValueTask RemoveAsync(string partition, string entryKey, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(partition);
        ArgumentNullException.ThrowIfNull(entryKey);
        _lock.EnterWriteLock();
        try
        {
            if (_partitions.TryGetValue(partition, out var p) && p.ByKey.TryGetValue(entryKey, out var slot))
            {
                RemoveSlot(slot);
            }
        }
        finally
        {
            _lock.ExitWriteLock();
        }

        return default;
    }

    /// <summary>Releases the lock.</summary>
    public void Dispose() => _lock.Dispose();

    /// <summary>Drops slots removed out of order (replaced, expired, invalidated) from the eviction queue.</summary>
    private void Compact()
    {
        var live = _order.Count;
        for (var i = 0; i < live; i++)
        {
            var slot = _order.Dequeue();
            if (slot.Index >= 0)
            {
                _order.Enqueue(slot);
            }
        }
    }

    private void RemoveSlot(Slot slot)
    {
        if (slot.Partition.Remove(slot))
        {
            _count--;
            if (slot.Partition.Count == 0)
            {
                _partitions.Remove(slot.PartitionName);
            }
        }
    }

    private static float[]? Normalized(ReadOnlySpan<float> vector)
    {
        var norm = TensorPrimitives.Norm(vector);
        if (vector.Length == 0 || !(norm > 0) || float.IsInfinity(norm))
        {
            return null;
        }

        var copy = new float[vector.Length];
        TensorPrimitives.Divide(vector, norm, copy);
        return copy;
    }
}
