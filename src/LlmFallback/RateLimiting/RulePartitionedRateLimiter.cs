using System.Collections.Concurrent;
using System.Threading.RateLimiting;

namespace LlmFallback;

/// <summary>
/// A <see cref="PartitionedRateLimiter{TResource}"/> with one <see cref="LlmTokenBucketRateLimiter"/> per rule
/// (key, limit and window), made on first use and dropped once it has been full for a window. Partitions are
/// found without a lock; unlike <c>PartitionedRateLimiter.Create</c>, no timer or global lock is involved.
/// </summary>
internal sealed class RulePartitionedRateLimiter : PartitionedRateLimiter<LlmRateLimitRule>
{
    private static readonly TimeSpan SweepInterval = TimeSpan.FromMinutes(1);
    private readonly ConcurrentDictionary<(string, long, long), LlmTokenBucketRateLimiter> _limiters = new();
    private readonly TimeProvider _time;
    private long _nextSweep;

    public RulePartitionedRateLimiter(TimeProvider time)
    {
        _time = time;
        _nextSweep = time.GetTimestamp();
    }

    public int PartitionCount => _limiters.Count;

    public LlmTokenBucketRateLimiter Get(in LlmRateLimitRule rule)
    {
        SweepIfDue();
        return _limiters.GetOrAdd(
            (rule.Key, rule.PermitLimit, rule.Window.Ticks),
            static (key, time) => new LlmTokenBucketRateLimiter(key.Item2, TimeSpan.FromTicks(key.Item3), time),
            _time);
    }

    /// <summary>Takes <paramref name="permits"/> from the rule's bucket (looked up again if the sweep retired the one found).</summary>
    public bool TryAcquire(in LlmRateLimitRule rule, long permits, out TimeSpan retryAfter)
    {
        while (true)
        {
            var limiter = Get(rule);
            var acquired = limiter.TryAcquire(permits, out retryAfter, out var retired);
            if (!retired)
            {
                return acquired;
            }

            Forget(rule, limiter);
        }
    }

    /// <summary>Adds <paramref name="permits"/> to the rule's bucket (looked up again if the sweep retired the one found).</summary>
    public void Add(in LlmRateLimitRule rule, long permits)
    {
        while (true)
        {
            var limiter = Get(rule);
            if (limiter.TryAdd(permits))
            {
                return;
            }

            Forget(rule, limiter);
        }
    }

    public override RateLimiterStatistics? GetStatistics(LlmRateLimitRule resource) => Get(resource).GetStatistics();

    protected override RateLimitLease AttemptAcquireCore(LlmRateLimitRule resource, int permitCount) =>
        LlmTokenBucketRateLimiter.LeaseFor(TryAcquire(resource, permitCount, out var retryAfter), retryAfter);

    protected override ValueTask<RateLimitLease> AcquireAsyncCore(LlmRateLimitRule resource, int permitCount, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return new(AttemptAcquireCore(resource, permitCount));
    }

    /// <summary>Removes a retired bucket if the sweep has not yet (only that bucket: a new one may already be there).</summary>
    private void Forget(in LlmRateLimitRule rule, LlmTokenBucketRateLimiter retired) =>
        _limiters.TryRemove(new KeyValuePair<(string, long, long), LlmTokenBucketRateLimiter>((rule.Key, rule.PermitLimit, rule.Window.Ticks), retired));

    private void SweepIfDue()
    {
        var now = _time.GetTimestamp();
        var due = Volatile.Read(ref _nextSweep);
        if (now < due || Interlocked.CompareExchange(ref _nextSweep, now + (long)(SweepInterval.TotalSeconds * _time.TimestampFrequency), due) != due)
        {
            return;
        }

        // A bucket that has been full for a whole window behaves exactly like a new one: retire it (a request holding
        // it then looks again) and forget that bucket only.
        foreach (var pair in _limiters)
        {
            if (pair.Value.TryRetire())
            {
                _limiters.TryRemove(pair);
            }
        }
    }
}
