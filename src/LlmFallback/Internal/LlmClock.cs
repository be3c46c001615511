namespace LlmFallback;

/// <summary>
/// The timestamps the library keeps its books with: breaker windows and breaks, cool-downs, the retry budget, and
/// attempt deadlines. Attempt durations are not among them: they are read from the <see cref="TimeProvider"/>'s
/// high-resolution timestamp, so a fast call is not reported as 0 ms. With <see cref="TimeProvider.System"/> it reads
/// the coarse monotonic clock (<see cref="Environment.TickCount64"/>, milliseconds): a high-resolution timestamp costs
/// about four times as much, twice per request, and nothing here needs better than a millisecond. Any other
/// <see cref="TimeProvider"/> (a fake clock in tests) is used as is, so tests stay exact. Delays and timers always go
/// through the <see cref="TimeProvider"/> itself.
/// </summary>
internal sealed class LlmClock
{
    private static readonly LlmClock SystemCoarse = new(null);
    private readonly TimeProvider? _time;
    private readonly double _ticksPerTimestamp;

    private LlmClock(TimeProvider? time)
    {
        _time = time;
        Frequency = time?.TimestampFrequency ?? 1000;
        _ticksPerTimestamp = (double)TimeSpan.TicksPerSecond / Frequency;
    }

    /// <summary>Gets how many timestamp units make a second.</summary>
    public long Frequency { get; }

    /// <summary>Gets the current timestamp.</summary>
    public long Now => _time is null ? Environment.TickCount64 : _time.GetTimestamp();

    public static LlmClock For(TimeProvider time) => ReferenceEquals(time, TimeProvider.System) ? SystemCoarse : new LlmClock(time);

    public TimeSpan Elapsed(long start, long end)
    {
        var ticks = (end - start) * _ticksPerTimestamp;
        return ticks >= TimeSpan.MaxValue.Ticks ? TimeSpan.MaxValue : ticks <= TimeSpan.MinValue.Ticks ? TimeSpan.MinValue : new TimeSpan((long)ticks);
    }

    /// <summary>Adds <paramref name="untilThen"/> to <paramref name="now"/>, saturating at the end of time.</summary>
    public static DateTimeOffset WallTime(DateTimeOffset now, TimeSpan untilThen) =>
        untilThen >= DateTimeOffset.MaxValue - now ? DateTimeOffset.MaxValue : now + untilThen;

    public TimeSpan ElapsedSince(long start) => Elapsed(start, Now);

    public long ToTimestamps(TimeSpan value) => (long)(value.TotalSeconds * Frequency);
}
