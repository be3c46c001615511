using System.Collections.Concurrent;

namespace LlmFallback;

/// <summary>
/// The default <see cref="ILlmBudgetStore"/>: counters in process memory, updated with compare-and-swap (no lock),
/// forgotten after their window ends. Counters are per instance: use <c>LlmFallback.Redis</c> to share them.
/// </summary>
public sealed class InMemoryBudgetStore : ILlmBudgetStore
{
    private static readonly TimeSpan SweepInterval = TimeSpan.FromMinutes(1);
    private readonly ConcurrentDictionary<string, Counter> _counters = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private long _nextSweepTicks;

    /// <summary>Initializes a new instance of the <see cref="InMemoryBudgetStore"/> class.</summary>
    /// <param name="timeProvider">The clock that decides when counters are forgotten; <see langword="null"/> for <see cref="TimeProvider.System"/>.</param>
    public InMemoryBudgetStore(TimeProvider? timeProvider = null)
    {
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <inheritdoc />
    public ValueTask<LlmBudgetReservation> TryReserveAsync(IReadOnlyList<LlmBudgetCounter> counters, decimal amount, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(counters);
        var nanos = Math.Max(0, InMemoryCostLedger.ToNanos(amount));
        SweepIfDue();
        for (var i = 0; i < counters.Count; i++)
        {
            var counter = Get(counters[i]);
            var limit = InMemoryCostLedger.ToNanos(counters[i].Limit);
            if (!counter.TryAdd(nanos, limit, out var held))
            {
                for (var j = 0; j < i; j++)
                {
                    Get(counters[j]).Add(-nanos);
                }

                return new(new LlmBudgetReservation(false, i, InMemoryCostLedger.FromNanos(held)));
            }
        }

        return new(LlmBudgetReservation.Granted);
    }

    /// <inheritdoc />
    public ValueTask AddAsync(IReadOnlyList<LlmBudgetCounter> counters, decimal amount, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(counters);
        var nanos = InMemoryCostLedger.ToNanos(amount);
        if (nanos != 0)
        {
            for (var i = 0; i < counters.Count; i++)
            {
                Get(counters[i]).Add(nanos);
            }
        }

        return default;
    }

    /// <inheritdoc />
    public ValueTask<decimal> GetSpentAsync(LlmBudgetCounter counter, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(counter.Key);
        return new(_counters.TryGetValue(counter.Key, out var c) && c.ResetsAt > _time.GetUtcNow() ? InMemoryCostLedger.FromNanos(c.Value) : 0m);
    }

    private Counter Get(in LlmBudgetCounter counter) =>
        _counters.GetOrAdd(counter.Key, static (_, resetsAt) => new Counter(resetsAt), counter.ResetsAt);

    private void SweepIfDue()
    {
        var now = _time.GetUtcNow();
        var due = Volatile.Read(ref _nextSweepTicks);
        if (now.UtcTicks < due || Interlocked.CompareExchange(ref _nextSweepTicks, (now + SweepInterval).UtcTicks, due) != due)
        {
            return;
        }

        foreach (var (key, counter) in _counters)
        {
            if (counter.ResetsAt <= now)
            {
                _counters.TryRemove(key, out _);
            }
        }
    }

    /// <summary>A counter in nano-dollars.</summary>
    private sealed class Counter(DateTimeOffset resetsAt)
    {
        private long _value;

        public DateTimeOffset ResetsAt { get; } = resetsAt;

        public long Value => Volatile.Read(ref _value);

        public bool TryAdd(long nanos, long limit, out long held)
        {
            while (true)
            {
                held = Volatile.Read(ref _value);
                if (held >= limit || (Int128)held + nanos > limit)
                {
                    return false;
                }

                if (Interlocked.CompareExchange(ref _value, held + nanos, held) == held)
                {
                    return true;
                }
            }
        }

        public void Add(long nanos) => Interlocked.Add(ref _value, nanos);
    }
}
