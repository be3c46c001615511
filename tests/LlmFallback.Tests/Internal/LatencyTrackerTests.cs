namespace LlmFallback.Tests.Internal;

public sealed class LatencyTrackerTests
{
    [Fact]
    public void Record_ThreeSamples_HandComputedMovingAverage()
    {
        var tracker = new LatencyTracker();

        Assert.True(double.IsNaN(tracker.AverageMilliseconds));
        tracker.Record(TimeSpan.FromMilliseconds(100));
        Assert.Equal(100, tracker.AverageMilliseconds, precision: 9);
        tracker.Record(TimeSpan.FromMilliseconds(200));
        Assert.Equal(120, tracker.AverageMilliseconds, precision: 9);
        tracker.Record(TimeSpan.FromMilliseconds(400));
        Assert.Equal(176, tracker.AverageMilliseconds, precision: 9);
        Assert.Equal(3, tracker.Count);
    }

    [Theory]
    [InlineData(0.5, 0)]
    [InlineData(1, 1)]
    [InlineData(1.18, 1)]
    [InlineData(1.19, 2)]
    [InlineData(1000, 40)]
    [InlineData(1024, 41)]
    public void Bucket_FourPerDoubling(double milliseconds, int bucket)
    {
        Assert.Equal(bucket, LatencyTracker.Bucket(milliseconds));
        Assert.True(milliseconds < LatencyTracker.UpperBound(bucket) || (bucket == 0 && milliseconds < 1));
    }

    [Fact]
    public void Quantile_NinetyNineAtOneAndOneAtTen_P50AndP99()
    {
        var tracker = new LatencyTracker();
        for (var i = 0; i < 99; i++)
        {
            tracker.Record(TimeSpan.FromSeconds(1));
        }

        Assert.Null(tracker.Quantile(0.5, minSamples: 100));
        tracker.Record(TimeSpan.FromSeconds(10));

        Assert.Equal(TimeSpan.FromMilliseconds(1024), tracker.Quantile(0.5, 100));
        Assert.Equal(TimeSpan.FromMilliseconds(1024), tracker.Quantile(0.99, 100));
        Assert.Equal(Math.Pow(2, 54 / 4.0), tracker.Quantile(0.999, 100)!.Value.TotalMilliseconds, precision: 3);
    }

    [Fact]
    public void Quantile_AfterTwoNewGenerations_OldSamplesForgotten()
    {
        var tracker = new LatencyTracker();
        for (var i = 0; i < LatencyTracker.GenerationSize; i++)
        {
            tracker.Record(TimeSpan.FromSeconds(5));
        }

        for (var i = 0; i < 2 * LatencyTracker.GenerationSize; i++)
        {
            tracker.Record(TimeSpan.FromMilliseconds(50));
        }

        Assert.Equal(LatencyTracker.UpperBound(LatencyTracker.Bucket(50)), tracker.Quantile(0.999, 1)!.Value.TotalMilliseconds, precision: 3);
    }
}
