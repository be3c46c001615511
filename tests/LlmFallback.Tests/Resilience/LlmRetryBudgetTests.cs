using Microsoft.Extensions.Time.Testing;

namespace LlmFallback.Tests.Resilience;

public class LlmRetryBudgetTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void TryAcquireRetry_NoRequests_AllowsTheFloorPerSecondOverTheWindow()
    {
        var budget = new LlmRetryBudget(new() { MinRetriesPerSecond = 2, RetryRatio = 0, Window = TimeSpan.FromSeconds(5) }, _time);

        for (var i = 0; i < 10; i++)
        {
            Assert.True(budget.TryAcquireRetry(), $"retry {i}");
        }

        Assert.False(budget.TryAcquireRetry());
        Assert.Equal((0, 10), budget.GetCounts());
    }

    [Fact]
    public void TryAcquireRetry_Ratio_AllowsAShareOfRequests()
    {
        var budget = new LlmRetryBudget(new() { MinRetriesPerSecond = 0, RetryRatio = 0.2, Window = TimeSpan.FromSeconds(10) }, _time);
        for (var i = 0; i < 10; i++)
        {
            budget.RecordRequest(_time.GetTimestamp());
        }

        Assert.True(budget.TryAcquireRetry());
        Assert.True(budget.TryAcquireRetry());
        Assert.False(budget.TryAcquireRetry());
        Assert.Equal((10, 2), budget.GetCounts());

        budget.RecordRequest(_time.GetTimestamp());
        Assert.False(budget.TryAcquireRetry()); // 11 requests: still 2
        for (var i = 0; i < 4; i++)
        {
            budget.RecordRequest(_time.GetTimestamp());
        }

        Assert.True(budget.TryAcquireRetry()); // 15 requests: 3
    }

    [Fact]
    public void TryAcquireRetry_FloorAndRatio_TheLargerHoldsNotTheSum()
    {
        var budget = new LlmRetryBudget(new() { MinRetriesPerSecond = 1, RetryRatio = 0.5, Window = TimeSpan.FromSeconds(2) }, _time);
        for (var i = 0; i < 4; i++)
        {
            budget.RecordRequest(_time.GetTimestamp());
        }

        Assert.Equal(2, Drain(budget)); // max(2 per window, 50% of 4), not 2 + 2

        for (var i = 0; i < 16; i++)
        {
            budget.RecordRequest(_time.GetTimestamp());
        }

        Assert.Equal(10 - 2, Drain(budget)); // 50% of 20 = 10 in all
    }

    [Fact]
    public void TryAcquireRetry_BurstOf500WithDefaults_RetriesStayAtTwentyPercent()
    {
        var budget = new LlmRetryBudget(timeProvider: _time);
        for (var i = 0; i < 500; i++)
        {
            budget.RecordRequest(_time.GetTimestamp());
        }

        Assert.Equal(100, Drain(budget));
    }

    [Fact]
    public async Task TryAcquireRetry_ManyConcurrentRetries_NeverOvershoot()
    {
        var budget = new LlmRetryBudget(new() { MinRetriesPerSecond = 0, RetryRatio = 0.2 }, _time);
        for (var i = 0; i < 1000; i++)
        {
            budget.RecordRequest(_time.GetTimestamp());
        }

        var granted = 0;
        await Parallel.ForAsync(0, 10_000, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = TestContext.Current.CancellationToken }, (_, _) =>
        {
            if (budget.TryAcquireRetry())
            {
                Interlocked.Increment(ref granted);
            }

            return ValueTask.CompletedTask;
        });

        Assert.Equal(200, granted);
    }

    private static int Drain(LlmRetryBudget budget)
    {
        var granted = 0;
        while (budget.TryAcquireRetry())
        {
            granted++;
        }

        return granted;
    }

    [Fact]
    public void TryAcquireRetry_WindowSlides_BudgetComesBack()
    {
        var budget = new LlmRetryBudget(new() { MinRetriesPerSecond = 0, RetryRatio = 1, Window = TimeSpan.FromSeconds(10) }, _time);
        budget.RecordRequest(_time.GetTimestamp());
        Assert.True(budget.TryAcquireRetry());
        Assert.False(budget.TryAcquireRetry());

        _time.Advance(TimeSpan.FromSeconds(5));
        budget.RecordRequest(_time.GetTimestamp());
        Assert.True(budget.TryAcquireRetry());
        Assert.False(budget.TryAcquireRetry());

        _time.Advance(TimeSpan.FromSeconds(6)); // the first request and retry left the window
        Assert.Equal((1, 1), budget.GetCounts());
        Assert.False(budget.TryAcquireRetry());

        _time.Advance(TimeSpan.FromSeconds(5)); // everything left the window
        Assert.Equal((0, 0), budget.GetCounts());
        budget.RecordRequest(_time.GetTimestamp());
        Assert.True(budget.TryAcquireRetry());
    }

    [Fact]
    public void Constructor_Defaults_AllowOneHundredRetriesPerWindowWithoutTraffic()
    {
        var budget = new LlmRetryBudget(timeProvider: _time);

        var granted = 0;
        while (granted < 1000 && budget.TryAcquireRetry())
        {
            granted++;
        }

        Assert.Equal(100, granted); // 10 per second over 10 seconds
    }

    [Fact]
    public void Constructor_NoClock_UsesTheSystemClock()
    {
        var budget = new LlmRetryBudget();

        Assert.True(budget.TryAcquireRetry());
        Assert.Equal((0, 1), budget.GetCounts());
    }

    [Theory]
    [InlineData(-0.1, 10, 10, "options", "RetryBudget:RetryRatio must be between 0 and 10 (was -0.1).")]
    [InlineData(0.2, -1, 10, "options", "RetryBudget:MinRetriesPerSecond must be between 0 and 1000000 (was -1).")]
    [InlineData(0.2, 10, 0.5, "options", "RetryBudget:Window must be between 00:00:01 and 01:00:00 (was 00:00:00.5000000).")]
    public void Constructor_InvalidOptions_ThrowsNamingTheOption(double ratio, int floor, double windowSeconds, string paramName, string message)
    {
        var ex = Assert.Throws<ArgumentException>(paramName, () => new LlmRetryBudget(new() { RetryRatio = ratio, MinRetriesPerSecond = floor, Window = TimeSpan.FromSeconds(windowSeconds) }, _time));

        Assert.StartsWith(message, ex.Message, StringComparison.Ordinal);
    }
}
