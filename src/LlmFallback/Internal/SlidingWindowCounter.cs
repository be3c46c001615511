namespace LlmFallback;

/// <summary>
/// Three counters over a sliding time window, kept in buckets (the retry budget uses two). Lock-free: a bucket that rolls over is reset with a
/// compare-exchange, and an increment racing a reset may be lost, which only makes the window approximate.
/// </summary>
/// <remarks>
/// Every request passes through <see cref="Add"/>, so it avoids the two integer divisions that map a timestamp to a
/// bucket: the current bucket's span is cached in an immutable object, replaced (one small allocation) only when
/// time moves into the next bucket.
/// </remarks>
internal sealed class SlidingWindowCounter
{
    private readonly Bucket[] _buckets;
    private readonly long _bucketTicks;
    private CurrentBucket _current = new(-1, 0, long.MinValue, long.MinValue);

    public SlidingWindowCounter(TimeSpan window, int bucketCount, long timestampFrequency)
    {
        _buckets = new Bucket[bucketCount];
        var windowTicks = (long)(window.TotalSeconds * timestampFrequency);
        _bucketTicks = Math.Max(1, windowTicks / bucketCount);
    }

    public void Add(long timestamp, int first, int second, int third = 0)
    {
        var current = Volatile.Read(ref _current);
        if (timestamp < current.Start || timestamp >= current.End)
        {
            var index = timestamp / _bucketTicks;
            current = new CurrentBucket(index, (int)(index % _buckets.Length), index * _bucketTicks, (index + 1) * _bucketTicks);
            Volatile.Write(ref _current, current);
        }

        ref var bucket = ref _buckets[current.Slot];
        if (!TryEnter(ref bucket.Epoch, current.Epoch, out var reset))
        {
            return;
        }

        if (reset)
        {
            Volatile.Write(ref bucket.First, 0);
            Volatile.Write(ref bucket.Second, 0);
            Volatile.Write(ref bucket.Third, 0);
        }

        if (first != 0)
        {
            Interlocked.Add(ref bucket.First, first);
        }

        if (second != 0)
        {
            Interlocked.Add(ref bucket.Second, second);
        }

        if (third != 0)
        {
            Interlocked.Add(ref bucket.Third, third);
        }
    }

    /// <summary>
    /// Moves a bucket to <paramref name="epoch"/> if it holds an older one (the caller then zeroes its counters:
    /// <paramref name="reset"/>); false when it already holds a newer epoch, and the count is dropped.
    /// </summary>
    internal static bool TryEnter(ref long bucketEpoch, long epoch, out bool reset)
    {
        reset = false;
        var seen = Volatile.Read(ref bucketEpoch);
        if (seen == epoch)
        {
            return true;
        }

        if (seen > epoch)
        {
            return false;
        }

        reset = Interlocked.CompareExchange(ref bucketEpoch, epoch, seen) == seen;
        return reset || Volatile.Read(ref bucketEpoch) == epoch;
    }

    public (int First, int Second) Sum(long timestamp)
    {
        var (first, second, _) = SumAll(timestamp);
        return (first, second);
    }

    public (int First, int Second, int Third) SumAll(long timestamp)
    {
        var current = timestamp / _bucketTicks;
        var oldest = current - _buckets.Length;
        int first = 0, second = 0, third = 0;
        for (var i = 0; i < _buckets.Length; i++)
        {
            ref var bucket = ref _buckets[i];
            var epoch = Volatile.Read(ref bucket.Epoch);
            if (epoch > oldest && epoch <= current)
            {
                first += Volatile.Read(ref bucket.First);
                second += Volatile.Read(ref bucket.Second);
                third += Volatile.Read(ref bucket.Third);
            }
        }

        return (first, second, third);
    }

    public void Reset()
    {
        // An epoch no timestamp can reach: -1 would still fall inside the window of a clock that starts near 0.
        for (var i = 0; i < _buckets.Length; i++)
        {
            Volatile.Write(ref _buckets[i].Epoch, long.MinValue);
        }
    }

    private struct Bucket
    {
        public long Epoch;
        public int First;
        public int Second;
        public int Third;
    }

    private sealed class CurrentBucket(long epoch, int slot, long start, long end)
    {
        public readonly long Epoch = epoch;
        public readonly int Slot = slot;
        public readonly long Start = start;
        public readonly long End = end;
    }
}
