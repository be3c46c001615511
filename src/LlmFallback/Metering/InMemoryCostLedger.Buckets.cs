using System.Collections.Concurrent;

namespace LlmFallback;

public sealed partial class InMemoryCostLedger
{
    /// <summary>One key's buckets, by hour index and by day index since the epoch (UTC).</summary>
    private sealed class CostSeries
    {
        public ConcurrentDictionary<long, CostBucket> Hours { get; } = new();

        public ConcurrentDictionary<long, CostBucket> Days { get; } = new();
    }

    /// <summary>Totals of one period; updated with interlocked adds, costs in nano-dollars.</summary>
    private sealed class CostBucket
    {
        private long _calls;
        private long _input;
        private long _output;
        private long _cached;
        private long _cost;
        private long _saved;
        private long _unpriced;
        private long _estimated;

        public void Add(in LlmCostEntry entry, long cost, long saved)
        {
            Interlocked.Increment(ref _calls);
            Interlocked.Add(ref _input, entry.InputTokens);
            Interlocked.Add(ref _output, entry.OutputTokens);
            if (entry.CachedInputTokens != 0)
            {
                Interlocked.Add(ref _cached, entry.CachedInputTokens);
            }

            if (cost != 0)
            {
                Interlocked.Add(ref _cost, cost);
            }

            if (saved != 0)
            {
                Interlocked.Add(ref _saved, saved);
            }

            if (entry.Cost is null && entry.CostSaved is null)
            {
                Interlocked.Increment(ref _unpriced);
            }

            if (entry.IsEstimated)
            {
                Interlocked.Increment(ref _estimated);
            }
        }

        public void AddTo(ref CostSum sum)
        {
            sum.Calls += Volatile.Read(ref _calls);
            sum.Input += Volatile.Read(ref _input);
            sum.Output += Volatile.Read(ref _output);
            sum.Cached += Volatile.Read(ref _cached);
            sum.Cost += Volatile.Read(ref _cost);
            sum.Saved += Volatile.Read(ref _saved);
            sum.Unpriced += Volatile.Read(ref _unpriced);
            sum.Estimated += Volatile.Read(ref _estimated);
        }
    }

    private struct CostSum
    {
        public long Calls;
        public long Input;
        public long Output;
        public long Cached;
        public long Cost;
        public long Saved;
        public long Unpriced;
        public long Estimated;

        /// <summary>Adds the buckets from index <paramref name="first"/> that start before <paramref name="untilTicks"/>.</summary>
        public void Add(ConcurrentDictionary<long, CostBucket> buckets, long first, long ticksPerBucket, long untilTicks)
        {
            foreach (var (index, bucket) in buckets)
            {
                if (index >= first && index * ticksPerBucket < untilTicks)
                {
                    bucket.AddTo(ref this);
                }
            }
        }

        public readonly LlmCostTotals ToTotals() => new()
        {
            Calls = Calls,
            InputTokens = Input,
            OutputTokens = Output,
            CachedInputTokens = Cached,
            Cost = FromNanos(Cost),
            CostSaved = FromNanos(Saved),
            UnpricedCalls = Unpriced,
            EstimatedCalls = Estimated,
        };
    }
}
