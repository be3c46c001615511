using System.Diagnostics.CodeAnalysis;
using System.Threading.RateLimiting;

namespace LlmFallback;

/// <summary>
/// A token bucket of <c>permitLimit</c> permits that refills continuously over <c>window</c>, timed by an injected
/// <see cref="TimeProvider"/> (the built-in limiters of <c>System.Threading.RateLimiting</c> take no clock). Lock-free:
/// the state is one "theoretical arrival time" updated with compare-and-swap (the generic cell rate algorithm).
/// Never queues: a refused lease carries <see cref="MetadataName.RetryAfter"/>.
/// </summary>
/// <remarks>
/// A request for more permits than the limit is let through only when the bucket is full, and leaves it in debt for
/// the excess, so one large request is possible but its cost is still paid before the next one.
/// </remarks>
public sealed partial class LlmTokenBucketRateLimiter : RateLimiter
{
    private const long MicrosPerTick = 10;

    /// <summary>The most debt the bucket keeps (about 14,600 years): far enough below a long that times in ticks never wrap.</summary>
    private const long MaxMicros = long.MaxValue / MicrosPerTick / 2;

    /// <summary>The state of a bucket retired by <see cref="TryRetire"/>: nothing is taken from or added to it any more.</summary>
    private const long Retired = long.MinValue;
    private static readonly RateLimitLease Acquired = new Lease(true, null);

    private readonly TimeProvider _time;
    private readonly long _origin;
    private readonly long _limit;
    private readonly long _windowMicros;
    private long _tat;
    private long _successful;
    private long _failed;

    /// <summary>Initializes a new instance of the <see cref="LlmTokenBucketRateLimiter"/> class.</summary>
    /// <param name="permitLimit">The bucket's size: the permits available over one window, all at once when it is full.</param>
    /// <param name="window">How long an empty bucket takes to refill.</param>
    /// <param name="timeProvider">The clock; <see langword="null"/> for <see cref="TimeProvider.System"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="permitLimit"/> is not positive, or <paramref name="window"/> is not between 1 ms and one day.</exception>
    public LlmTokenBucketRateLimiter(long permitLimit, TimeSpan window, TimeProvider? timeProvider = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(permitLimit);
        if (window < TimeSpan.FromMilliseconds(1) || window > TimeSpan.FromDays(1))
        {
            throw new ArgumentOutOfRangeException(nameof(window), window, "The window must be between 1 ms and one day.");
        }

        _time = timeProvider ?? TimeProvider.System;
        _origin = _time.GetTimestamp();
        _limit = permitLimit;
        _windowMicros = window.Ticks / MicrosPerTick;
    }

    /// <summary>Gets the bucket's size.</summary>
    public long PermitLimit => _limit;

    /// <summary>Gets how long an empty bucket takes to refill.</summary>
    public TimeSpan Window => TimeSpan.FromTicks(_windowMicros * MicrosPerTick);

    /// <inheritdoc />
    public override TimeSpan? IdleDuration
    {
        get
        {
            var now = Now();
            var tat = Volatile.Read(ref _tat);
            return tat <= now && tat != Retired ? TimeSpan.FromTicks((now - tat) * MicrosPerTick) : null;
        }
    }

    /// <inheritdoc />
    public override RateLimiterStatistics? GetStatistics() => new()
    {
        CurrentAvailablePermits = Available(Now()),
        CurrentQueuedCount = 0,
        TotalSuccessfulLeases = Volatile.Read(ref _successful),
        TotalFailedLeases = Volatile.Read(ref _failed),
    };

    /// <summary>Takes <paramref name="permits"/> if the bucket holds them (see the remarks for requests over the limit).</summary>
    /// <param name="permits">The permits to take (0 or more).</param>
    /// <param name="retryAfter">When refused, how long until the bucket would hold them.</param>
    /// <returns><see langword="true"/> if the permits were taken.</returns>
    public bool TryAcquire(long permits, out TimeSpan retryAfter)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(permits);
        return TryAcquire(permits, out retryAfter, out _);
    }

    /// <summary>Adds <paramref name="permits"/> whatever the bucket holds (it may go into debt), or gives them back when negative.</summary>
    /// <param name="permits">The permits to take; negative to return permits (never beyond a full bucket).</param>
    public void Add(long permits) => TryAdd(permits);

    /// <summary>As <see cref="TryAcquire(long, out TimeSpan)"/>; <paramref name="retired"/> when the bucket was retired (nothing taken, refused or counted).</summary>
    internal bool TryAcquire(long permits, out TimeSpan retryAfter, out bool retired)
    {
        var cost = Cost(permits);
        var check = Cost(Math.Min(permits, _limit));
        while (true)
        {
            var now = Now();
            var tat = Volatile.Read(ref _tat);
            if (tat == Retired)
            {
                retired = true;
                retryAfter = TimeSpan.Zero;
                return false;
            }

            retired = false;
            var start = Math.Max(tat, now);
            if (start + check - now > _windowMicros)
            {
                Interlocked.Increment(ref _failed);
                retryAfter = TimeSpan.FromTicks((start + check - _windowMicros - now) * MicrosPerTick);
                return false;
            }

            if (Interlocked.CompareExchange(ref _tat, start + cost, tat) == tat)
            {
                Interlocked.Increment(ref _successful);
                retryAfter = TimeSpan.Zero;
                return true;
            }
        }
    }

    /// <summary>As <see cref="Add"/>; <see langword="false"/> when the bucket was retired (nothing added).</summary>
    internal bool TryAdd(long permits)
    {
        if (permits == 0)
        {
            return true;
        }

        var cost = Cost(Math.Abs(permits));
        while (true)
        {
            var now = Now();
            var tat = Volatile.Read(ref _tat);
            if (tat == Retired)
            {
                return false;
            }

            var next = permits > 0 ? Math.Min(Math.Max(tat, now) + cost, MaxMicros) : Math.Max(tat - cost, now);
            if (next == tat || Interlocked.CompareExchange(ref _tat, next, tat) == tat)
            {
                return true;
            }
        }
    }

    /// <summary>
    /// Retires the bucket if it has been full for a whole window (it then behaves exactly like a new one), in the same
    /// compare-and-swap as every take: a take that won keeps the bucket, a take that lost sees it retired and must look
    /// its bucket up again, so no permit lands in a bucket its owner has forgotten.
    /// </summary>
    internal bool TryRetire()
    {
        var now = Now();
        var tat = Volatile.Read(ref _tat);
        return tat != Retired && now - tat >= _windowMicros && Interlocked.CompareExchange(ref _tat, Retired, tat) == tat;
    }

    /// <summary>The lease of a take: acquired, or refused with <paramref name="retryAfter"/>.</summary>
    internal static RateLimitLease LeaseFor(bool acquired, TimeSpan retryAfter) => acquired ? Acquired : new Lease(false, retryAfter);

    /// <inheritdoc />
    protected override RateLimitLease AttemptAcquireCore(int permitCount) =>
        LeaseFor(TryAcquire(permitCount, out var retryAfter), retryAfter);

    /// <inheritdoc />
    protected override ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return new(AttemptAcquireCore(permitCount));
    }

    /// <summary>How far <paramref name="permits"/> move the theoretical arrival time: the time the bucket takes to refill them, rounded up.</summary>
    /// <remarks>
    /// Computed in 128 bits (a billion tokens a day is 8.6e19 µs·tokens, past a long) and capped at
    /// <see cref="MaxMicros"/>, so a request far over the limit leaves the bucket in debt for millennia instead of wrapping.
    /// </remarks>
    internal static long CostMicros(long permits, long limit, long windowMicros) =>
        permits == 0 ? 0 : (long)Int128.Clamp((((Int128)permits * windowMicros) + limit - 1) / limit, 1, MaxMicros);

    internal static long ToMicros(TimeSpan value) => value.Ticks / MicrosPerTick;

    internal static TimeSpan FromMicros(long micros) => TimeSpan.FromTicks(micros * MicrosPerTick);

    private long Cost(long permits) => CostMicros(permits, _limit, _windowMicros);

    private long Now() => _time.GetElapsedTime(_origin).Ticks / MicrosPerTick;

    private long Available(long now)
    {
        var tat = Volatile.Read(ref _tat);
        var debt = tat == Retired ? 0 : Math.Max(tat - now, 0);
        return (long)Int128.Clamp((Int128)(_windowMicros - debt) * _limit / _windowMicros, 0, _limit);
    }
}
