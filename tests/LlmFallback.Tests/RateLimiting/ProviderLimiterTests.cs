using Microsoft.Extensions.Time.Testing;

namespace LlmFallback.Tests.RateLimiting;

public sealed class ProviderLimiterTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 5, 1, 8, 0, 0, TimeSpan.Zero));

    private LlmClock Clock => LlmClock.For(_time);

    [Fact]
    public void For_NoLimitsDeclared_IsNull()
    {
        Assert.Null(ProviderLimiter.For(null, Clock));
        Assert.Null(ProviderLimiter.For(new LlmProviderLimits(), Clock));
    }

    [Fact]
    public void TryTake_RequestsPerMinute_RefusesPastTheLimitUntilTheMinuteSlides()
    {
        var limiter = ProviderLimiter.For(new LlmProviderLimits { RequestsPerMinute = 2 }, Clock)!;
        var now = _time.GetTimestamp();

        Assert.True(limiter.TryTake(now, 0));
        Assert.True(limiter.TryTake(now, 0));
        Assert.False(limiter.TryTake(now, 0));
        Assert.True(limiter.IsFull(now));

        _time.Advance(TimeSpan.FromSeconds(61));
        Assert.True(limiter.TryTake(_time.GetTimestamp(), 0));
    }

    [Fact]
    public void TryTake_TokensPerMinute_EstimateMustFitAndAFullMinuteRefusesUnknownSizes()
    {
        var limiter = ProviderLimiter.For(new LlmProviderLimits { TokensPerMinute = 1000 }, Clock)!;
        var now = _time.GetTimestamp();

        Assert.True(limiter.TryTake(now, 600));
        Assert.False(limiter.TryTake(now, 600));
        Assert.True(limiter.TryTake(now, 0));
        limiter.AddTokens(now, 400);

        Assert.False(limiter.TryTake(now, 0));
        limiter.AddTokens(now, -500);
        Assert.True(limiter.TryTake(now, 500));
    }

    [Fact]
    public void Return_TakenButNotSent_GivesTheRequestBack()
    {
        var limiter = ProviderLimiter.For(new LlmProviderLimits { RequestsPerMinute = 1 }, Clock)!;
        var now = _time.GetTimestamp();

        Assert.True(limiter.TryTake(now, 0));
        limiter.Return(now, 0);

        Assert.True(limiter.TryTake(now, 0));
    }

    [Fact]
    public void Utilization_LargerOfTheTwoShares()
    {
        var limiter = ProviderLimiter.For(new LlmProviderLimits { RequestsPerMinute = 10, TokensPerMinute = 100 }, Clock)!;
        var now = _time.GetTimestamp();
        limiter.TryTake(now, 50);

        // Requests (1 + 1) / 10 = 0.2; tokens (50 + n) / 100.
        Assert.Equal(0.5, limiter.Utilization(now, 0), 6);
        Assert.Equal(0.8, limiter.Utilization(now, 30), 6);
    }

    [Fact]
    public void NextRoom_IsTheNextFiveSecondBoundary()
    {
        var limiter = ProviderLimiter.For(new LlmProviderLimits { RequestsPerMinute = 1 }, Clock)!;
        var now = _time.GetTimestamp();

        var next = limiter.NextRoom(now);

        Assert.InRange(Clock.Elapsed(now, next), TimeSpan.FromTicks(1), TimeSpan.FromSeconds(5));
        Assert.Equal(0, next % Clock.ToTimestamps(TimeSpan.FromSeconds(5)));
    }
}
