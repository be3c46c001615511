using System.Numerics.Tensors;

namespace LlmFallback;

/// <content>Search and the partition storage.</content>
public sealed partial class InMemorySemanticCacheIndex
{
    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<LlmSemanticCacheMatch>> SearchAsync(string partition, ReadOnlyMemory<float> vector, int top, double minSimilarity, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(partition);
        ArgumentOutOfRangeException.ThrowIfLessThan(top, 1);
        var query = Normalized(vector.Span);
        if (query is null)
        {
            return new([]);
        }

        var now = _time.GetUtcNow();
        var best = new List<LlmSemanticCacheMatch>(top);
        List<Slot>? expired = null;
        _lock.EnterReadLock();
        try
        {
            if (_partitions.TryGetValue(partition, out var p) && p.Dimensions == query.Length)
            {
                var dims = p.Dimensions;
                for (var i = 0; i < p.Count; i++)
                {
                    var similarity = TensorPrimitives.Dot(query, p.Vectors.AsSpan(i * dims, dims));
                    if (similarity < minSimilarity || (best.Count == top && similarity <= best[^1].Similarity))
                    {
                        continue;
                    }

                    var slot = p.Slots[i];
                    if (slot.Entry.ExpiresAt <= now)
                    {
                        (expired ??= []).Add(slot);
                        continue;
                    }

                    Insert(best, new LlmSemanticCacheMatch(slot.Entry, similarity), top);
                }
            }
        }
        finally
        {
            _lock.ExitReadLock();
        }

        if (expired is not null)
        {
            _lock.EnterWriteLock();
            try
            {
                foreach (var slot in expired)
                {
                    RemoveSlot(slot);
                }
            }
            finally
            {
                _lock.ExitWriteLock();
            }
        }

        return new(best);
    }

    private static void Insert(List<LlmSemanticCacheMatch> best, LlmSemanticCacheMatch match, int top)
    {
        var at = best.Count;
        while (at > 0 && best[at - 1].Similarity < match.Similarity)
        {
            at--;
        }

        best.Insert(at, match);
        if (best.Count > top)
        {
            best.RemoveAt(top);
        }
    }

    private sealed class Slot(Partition partition, string partitionName, LlmSemanticCacheEntry entry)
    {
        public Partition Partition { get; } = partition;

        public string PartitionName { get; } = partitionName;

        public LlmSemanticCacheEntry Entry { get; } = entry;

        public int Index { get; set; } = -1;
    }

    /// <summary>One partition's vectors, contiguous; removal moves the last vector into the hole.</summary>
    private sealed class Partition(int dimensions)
    {
        public int Dimensions { get; } = dimensions;

        public float[] Vectors { get; private set; } = new float[dimensions * 4];

        public Slot[] Slots { get; private set; } = new Slot[4];

        public int Count { get; private set; }

        public Dictionary<string, Slot> ByKey { get; } = new(StringComparer.Ordinal);

        public Slot Add(LlmSemanticCacheEntry entry, float[] vector)
        {
            if (Count == Slots.Length)
            {
                var vectors = new float[Vectors.Length * 2];
                Vectors.AsSpan().CopyTo(vectors);
                Vectors = vectors;
                var slots = new Slot[Slots.Length * 2];
                Slots.AsSpan().CopyTo(slots);
                Slots = slots;
            }

            var slot = new Slot(this, entry.Partition, entry) { Index = Count };
            vector.CopyTo(Vectors.AsSpan(Count * Dimensions, Dimensions));
            Slots[Count++] = slot;
            ByKey[entry.EntryKey] = slot;
            return slot;
        }

        /// <summary>Removes a slot if it is still in this partition; <see langword="false"/> if it was removed before.</summary>
        public bool Remove(Slot slot)
        {
            var index = slot.Index;
            if (index < 0 || index >= Count || !ReferenceEquals(Slots[index], slot))
            {
                return false;
            }

            var last = Count - 1;
            if (index != last)
            {
                var moved = Slots[last];
                Vectors.AsSpan(last * Dimensions, Dimensions).CopyTo(Vectors.AsSpan(index * Dimensions, Dimensions));
                Slots[index] = moved;
                moved.Index = index;
            }

            Slots[last] = null!;
            Count = last;
            slot.Index = -1;
            ByKey.Remove(slot.Entry.EntryKey);
            return true;
        }
    }
}
