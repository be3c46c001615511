using Microsoft.Extensions.Time.Testing;

namespace LlmFallback.Tests.Internal;

public class LlmClockTests
{
    [Fact]
    public void For_SystemTimeProvider_UsesTheMillisecondClock()
    {
        var clock = LlmClock.For(TimeProvider.System);

        Assert.Equal(1000, clock.Frequency);
        Assert.InRange(clock.Now - Environment.TickCount64, -1000, 0);
        Assert.Equal(TimeSpan.FromSeconds(2), clock.Elapsed(0, clock.ToTimestamps(TimeSpan.FromSeconds(2))));
    }

    [Fact]
    public void For_FakeTimeProvider_IsExactOnTheFakeClock()
    {
        var time = new FakeTimeProvider();
        var clock = LlmClock.For(time);
        var start = clock.Now;

        time.Advance(TimeSpan.FromTicks(12_345));

        Assert.Equal(time.TimestampFrequency, clock.Frequency);
        Assert.Equal(TimeSpan.FromTicks(12_345), clock.ElapsedSince(start));
        Assert.Equal(time.GetTimestamp(), clock.Now);
    }

    [Fact]
    public void Elapsed_TowardsTheEndOfTime_Saturates()
    {
        var clock = LlmClock.For(TimeProvider.System);

        Assert.Equal(TimeSpan.MaxValue, clock.Elapsed(0, long.MaxValue));
        Assert.Equal(DateTimeOffset.MaxValue, LlmClock.WallTime(DateTimeOffset.UnixEpoch, TimeSpan.MaxValue));
    }
}
