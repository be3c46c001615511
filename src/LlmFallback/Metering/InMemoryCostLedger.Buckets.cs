using System.Collections.Concurrent;

namespace LlmFallback;

public sealed partial class InMemoryCostLedger
{
    /// <summary>One key's buckets, by hour index and by day index since the epoch (UTC).</summary>
    /// <remarks>
    /// Calls add to it between <see cref="TryEnter"/> and <see cref="Exit"/>; the sweep takes it out of the ledger only
    /// once retired, which no call is inside and none can enter, so no call lands in a series that is gone.
    /// </remarks>
    private sealed class CostSeries
    {
        private const int Retired = -1;

        private int _state;

        public ConcurrentDictionary<long, CostBucket> Hours { get; } = new();

        public ConcurrentDictionary<long, CostBucket> Days { get; } = new();

        public bool IsEmpty => Days.IsEmpty && Hours.IsEmpty;

        /// <summary>Counts a call in, unless the series is retired (then the caller looks the key up again).</summary>
        public bool TryEnter()
        {
            var state = Volatile.Read(ref _state);
            while (state != Retired)
            {
                var seen = Interlocked.CompareExchange(ref _state, state + 1, state);
                if (seen == state)
                {
                    return true;
                }

                state = seen;
            }

            return false;
        }

        public void Exit() => Interlocked.Decrement(ref _state);

        public bool TryRetire() => Interlocked.CompareExchange(ref _state, Retired, 0) == 0;

        /// <summary>Puts back a retired series a call finished in before it was retired; no call changes a retired state.</summary>
        public void Unretire() => Volatile.Write(ref _state, 0);
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
