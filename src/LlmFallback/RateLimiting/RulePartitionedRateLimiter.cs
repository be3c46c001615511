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

    public override RateLimiterStatistics? GetStatistics(LlmRateLimitRule resource) => Get(resource).GetStatistics();

    protected override RateLimitLease AttemptAcquireCore(LlmRateLimitRule resource, int permitCount) => Get(resource).AttemptAcquire(permitCount);

    protected override ValueTask<RateLimitLease> AcquireAsyncCore(LlmRateLimitRule resource, int permitCount, CancellationToken cancellationToken) =>
        Get(resource).AcquireAsync(permitCount, cancellationToken);

    private void SweepIfDue()
    {
        var now = _time.GetTimestamp();
        var due = Volatile.Read(ref _nextSweep);
        if (now < due || Interlocked.CompareExchange(ref _nextSweep, now + (long)(SweepInterval.TotalSeconds * _time.TimestampFrequency), due) != due)
        {
            return;
        }

        // A bucket that has been full for a whole window behaves exactly like a new one: forget it.
        foreach (var (key, limiter) in _limiters)
        {
            if (limiter.IdleDuration is { } idle && idle >= limiter.Window)
            {
                _limiters.TryRemove(key, out _);
            }
        }
    }
}
