namespace LlmFallback;

/// <summary>
/// The circuit breaker's window: calls are counted by the moment they started (their cohort), and a call's failure is
/// added to the bucket its start was counted in. A call that runs long is therefore judged with the calls that started
/// around it, which have had as long to end, and not with whatever happened to start while it was running: when traffic
/// drains or pauses, the late failures of long calls (streams that stall until the idle timeout) are not weighed against
/// an empty window.
/// </summary>
/// <remarks>
/// Buckets are kept for <see cref="RetainedWindows"/> windows so that the failure of a long call still finds its
/// cohort; a call that ends later than that is no longer judged by the ratio rule. Lock-free, like
/// <see cref="SlidingWindowCounter"/>: a bucket that rolls over is reset with a compare-exchange, and an increment
/// racing a reset may be lost, which only makes the window approximate. The success path does not touch the window:
/// a call started and not failed counts as not failed.
/// </remarks>
internal sealed class CohortWindow
{
    /// <summary>How many windows of buckets are kept for the failures of long calls.</summary>
    internal const int RetainedWindows = 10;

    private readonly Bucket[] _buckets;
    private readonly int _windowBuckets;
    private readonly long _bucketTicks;
    private CurrentBucket _current = new(long.MinValue, 0, long.MaxValue, long.MinValue);

    public CohortWindow(TimeSpan window, int bucketsPerWindow, long timestampFrequency)
    {
        _windowBuckets = bucketsPerWindow;
        _buckets = new Bucket[bucketsPerWindow * RetainedWindows];
        _bucketTicks = Math.Max(1, (long)(window.TotalSeconds * timestampFrequency) / bucketsPerWindow);
        Reset();
    }

    /// <summary>Counts a call that started at <paramref name="now"/>.</summary>
    /// <remarks>
    /// Every call passes through here, so the current bucket's span is cached in an immutable object, replaced (one small
    /// allocation) only when time moves into the next bucket: no division on the common path.
    /// </remarks>
    public void Start(long now)
    {
        var current = Volatile.Read(ref _current);
        if (now < current.Start || now >= current.End)
        {
            var index = Epoch(now);
            current = new CurrentBucket(index, Slot(index), index * _bucketTicks, (index + 1) * _bucketTicks);
            Volatile.Write(ref _current, current);
        }

        var epoch = current.Epoch;
        ref var bucket = ref _buckets[current.Slot];
        if (!SlidingWindowCounter.TryEnter(ref bucket.Epoch, epoch, out var reset))
        {
            return;
        }

        if (reset)
        {
            Volatile.Write(ref bucket.Started, 0);
            Volatile.Write(ref bucket.Failed, 0);
        }

        Interlocked.Increment(ref bucket.Started);
    }

    /// <summary>Counts the failure of a call that started at <paramref name="started"/>, in its cohort; false when the cohort is gone.</summary>
    public bool Fail(long started) => Change(started, failed: 1, started: 0);

    /// <summary>Takes back the start of a call that started at <paramref name="started"/> and ended without a verdict.</summary>
    public void Unstart(long started) => Change(started, failed: 0, started: -1);

    /// <summary>
    /// Gets the calls started in the window that ends with <paramref name="end"/>'s bucket, and how many of them failed.
    /// </summary>
    public (int Started, int Failed) Sum(long end)
    {
        var last = Epoch(end);
        int started = 0, failed = 0;
        for (var epoch = last - _windowBuckets + 1; epoch <= last; epoch++)
        {
            ref var bucket = ref _buckets[Slot(epoch)];
            if (Volatile.Read(ref bucket.Epoch) == epoch)
            {
                started += Volatile.Read(ref bucket.Started);
                failed += Volatile.Read(ref bucket.Failed);
            }
        }

        started = Math.Max(started, 0);
        return (started, Math.Clamp(failed, 0, started));
    }

    public void Reset()
    {
        // An epoch no timestamp can reach.
        for (var i = 0; i < _buckets.Length; i++)
        {
            Volatile.Write(ref _buckets[i].Epoch, long.MinValue);
        }
    }

    private bool Change(long startedAt, int failed, int started)
    {
        var epoch = Epoch(startedAt);
        ref var bucket = ref _buckets[Slot(epoch)];
        if (Volatile.Read(ref bucket.Epoch) != epoch)
        {
            return false;
        }

        if (failed != 0)
        {
            Interlocked.Add(ref bucket.Failed, failed);
        }

        if (started != 0)
        {
            Interlocked.Add(ref bucket.Started, started);
        }

        return true;
    }

    private long Epoch(long timestamp) => timestamp >= 0 ? timestamp / _bucketTicks : ((timestamp + 1) / _bucketTicks) - 1;

    private int Slot(long epoch) => (int)(((epoch % _buckets.Length) + _buckets.Length) % _buckets.Length);

    private sealed class CurrentBucket(long epoch, int slot, long start, long end)
    {
        public readonly long Epoch = epoch;
        public readonly int Slot = slot;
        public readonly long Start = start;
        public readonly long End = end;
    }

    private struct Bucket
    {
        public long Epoch;
        public int Started;
        public int Failed;
    }
}
