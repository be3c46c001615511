namespace LlmFallback.Tests.Internal;

public class SlidingWindowCounterTests
{
    // Ten one-second buckets over a ten-second window, with 1,000 timestamp ticks per second.
    private const long Second = 1000;

    [Fact]
    public void Sum_Empty_IsZero() =>
        Assert.Equal((0, 0), Create().Sum(5 * Second));

    [Fact]
    public void Add_BothCounters_AreSummedSeparately()
    {
        var counter = Create();

        counter.Add(100 * Second, 1, 0);
        counter.Add(100 * Second + 10, 0, 2);
        counter.Add(101 * Second, 3, 4);

        Assert.Equal((4, 6), counter.Sum(101 * Second));
    }

    [Fact]
    public void Sum_EntriesOlderThanTheWindow_AgeOut()
    {
        var counter = Create();
        counter.Add(100 * Second, 1, 1);
        counter.Add(105 * Second, 2, 0);

        Assert.Equal((3, 1), counter.Sum(109 * Second + 999));
        Assert.Equal((2, 0), counter.Sum(110 * Second));
        Assert.Equal((2, 0), counter.Sum(114 * Second + 999));
        Assert.Equal((0, 0), counter.Sum(115 * Second));
    }

    [Fact]
    public void Add_BucketReusedAfterAWholeWindow_StartsFromZero()
    {
        var counter = Create();
        counter.Add(100 * Second, 5, 5);

        counter.Add(110 * Second, 1, 0); // same bucket slot, next lap

        Assert.Equal((1, 0), counter.Sum(110 * Second));
    }

    [Fact]
    public void Add_OlderThanTheBucketsLap_IsDropped()
    {
        var counter = Create();
        counter.Add(110 * Second, 1, 0);

        counter.Add(100 * Second, 7, 7);

        Assert.Equal((1, 0), counter.Sum(110 * Second));
    }

    [Fact]
    public void Sum_FutureEntries_AreNotCounted()
    {
        var counter = Create();
        counter.Add(105 * Second, 1, 1);

        Assert.Equal((0, 0), counter.Sum(104 * Second));
    }

    [Fact]
    public void Reset_LateTimestamps_ForgetsEverything()
    {
        var counter = Create();
        counter.Add(100 * Second, 3, 3);

        counter.Reset();

        Assert.Equal((0, 0), counter.Sum(100 * Second));
        counter.Add(100 * Second, 1, 0);
        Assert.Equal((1, 0), counter.Sum(100 * Second));
    }

    [Fact]
    public void Reset_EarlyTimestamps_ForgetsEverything()
    {
        // A monotonic clock may start near zero (Stopwatch counts from boot; a test clock from 0).
        var counter = Create();
        counter.Add(500, 3, 2);

        counter.Reset();

        Assert.Equal((0, 0), counter.Sum(500));
        Assert.Equal((0, 0), counter.Sum(3 * Second));
    }

    [Fact]
    public void Constructor_WindowShorterThanTheBuckets_UsesOneTickBuckets()
    {
        var counter = new SlidingWindowCounter(TimeSpan.Zero, 10, Second);

        counter.Add(5, 1, 0);

        Assert.Equal((1, 0), counter.Sum(5));
        Assert.Equal((1, 0), counter.Sum(14));
        Assert.Equal((0, 0), counter.Sum(15));
    }

    [Fact]
    public async Task Add_Concurrently_WithinOneBucket_LosesNothing()
    {
        var counter = Create();

        await Parallel.ForAsync(0, 1000, TestContext.Current.CancellationToken, (_, _) =>
        {
            counter.Add(100 * Second, 1, 2);
            return ValueTask.CompletedTask;
        });

        Assert.Equal((1000, 2000), counter.Sum(100 * Second));
    }

    private static SlidingWindowCounter Create() => new(TimeSpan.FromSeconds(10), 10, Second);
}
