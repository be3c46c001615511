using System.Net.Http.Headers;

namespace LlmFallback.Tests.Failures;

public class LlmRetryAfterTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 10, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("0", 0)]
    [InlineData("2", 2000)]
    [InlineData("120", 120_000)]
    [InlineData(" 7 ", 7000)]
    [InlineData("1.5", 1500)]
    [InlineData("0.25", 250)]
    public void TryParse_DeltaSeconds_ReturnsTheDelay(string value, int expectedMs)
    {
        Assert.True(LlmRetryAfter.TryParse(null, value, Now, out var delay));
        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), delay);
    }

    [Fact]
    public void TryParse_HttpDateInTheFuture_IsRelativeToNow()
    {
        Assert.True(LlmRetryAfter.TryParse(null, "Tue, 10 Mar 2026 12:00:45 GMT", Now, out var delay));
        Assert.Equal(TimeSpan.FromSeconds(45), delay);
    }

    [Fact]
    public void TryParse_HttpDateInThePast_IsZero()
    {
        Assert.True(LlmRetryAfter.TryParse(null, "Tue, 10 Mar 2026 11:59:00 GMT", Now, out var delay));
        Assert.Equal(TimeSpan.Zero, delay);
    }

    [Fact]
    public void TryParse_HttpDateFarAway_IsClampedToMaxValue()
    {
        Assert.True(LlmRetryAfter.TryParse(null, "Fri, 01 Jan 2100 00:00:00 GMT", Now, out var delay));
        Assert.Equal(LlmRetryAfter.MaxValue, delay);
    }

    [Theory]
    [InlineData("99999999999")]
    [InlineData("86401")]
    [InlineData("1e12")]
    public void TryParse_HugeSeconds_AreClampedToOneDay(string value)
    {
        Assert.True(LlmRetryAfter.TryParse(null, value, Now, out var delay));
        Assert.Equal(TimeSpan.FromDays(1), delay);
        Assert.Equal(LlmRetryAfter.MaxValue, delay);
    }

    [Fact]
    public void TryParse_HugeMilliseconds_AreClampedToOneDay()
    {
        Assert.True(LlmRetryAfter.TryParse("999999999999999", null, Now, out var delay));
        Assert.Equal(LlmRetryAfter.MaxValue, delay);
    }

    [Fact]
    public void TryParse_RetryAfterMs_TakesPrecedence()
    {
        Assert.True(LlmRetryAfter.TryParse("1500", "30", Now, out var delay));
        Assert.Equal(TimeSpan.FromMilliseconds(1500), delay);
    }

    [Fact]
    public void TryParse_FractionalMilliseconds_Kept()
    {
        Assert.True(LlmRetryAfter.TryParse("12.5", null, Now, out var delay));
        Assert.Equal(TimeSpan.FromMilliseconds(12.5), delay);
    }

    [Theory]
    [InlineData("soon")]
    [InlineData("-5")]
    [InlineData("NaN")]
    [InlineData("")]
    public void TryParse_GarbageMilliseconds_FallsBackToRetryAfter(string ms)
    {
        Assert.True(LlmRetryAfter.TryParse(ms, "3", Now, out var delay));
        Assert.Equal(TimeSpan.FromSeconds(3), delay);
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData(null, "")]
    [InlineData(null, "   ")]
    [InlineData(null, "soon")]
    [InlineData(null, "-1")]
    [InlineData(null, "NaN")]
    [InlineData(null, "Infinity")]
    [InlineData(null, "1e400")]
    [InlineData(null, "2s")]
    [InlineData(null, "ten")]
    [InlineData("abc", "xyz")]
    [InlineData("-100", null)]
    [InlineData("Infinity", null)]
    public void TryParse_Garbage_ReturnsFalse(string? ms, string? retryAfter)
    {
        Assert.False(LlmRetryAfter.TryParse(ms, retryAfter, Now, out var delay));
        Assert.Equal(TimeSpan.Zero, delay);
    }

    [Fact]
    public void TryParse_Headers_ReadsRetryAfterSeconds()
    {
        using var response = new HttpResponseMessage();
        response.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(9));

        Assert.True(LlmRetryAfter.TryParse(response.Headers, Now, out var delay));
        Assert.Equal(TimeSpan.FromSeconds(9), delay);
    }

    [Fact]
    public void TryParse_Headers_ReadsRetryAfterDate()
    {
        using var response = new HttpResponseMessage();
        response.Headers.RetryAfter = new RetryConditionHeaderValue(Now.AddSeconds(30));

        Assert.True(LlmRetryAfter.TryParse(response.Headers, Now, out var delay));
        Assert.Equal(TimeSpan.FromSeconds(30), delay);
    }

    [Fact]
    public void TryParse_Headers_PrefersRetryAfterMs()
    {
        using var response = new HttpResponseMessage();
        response.Headers.TryAddWithoutValidation("Retry-After", "20");
        response.Headers.TryAddWithoutValidation("retry-after-ms", "20250");

        Assert.True(LlmRetryAfter.TryParse(response.Headers, Now, out var delay));
        Assert.Equal(TimeSpan.FromMilliseconds(20250), delay);
    }

    [Fact]
    public void TryParse_HeadersWithoutEither_ReturnsFalse()
    {
        using var response = new HttpResponseMessage();
        response.Headers.TryAddWithoutValidation("x-ratelimit-reset-requests", "2s");

        Assert.False(LlmRetryAfter.TryParse(response.Headers, Now, out _));
    }

    [Fact]
    public void TryParse_NullHeaders_Throws() =>
        Assert.Throws<ArgumentNullException>("headers", () => LlmRetryAfter.TryParse(null!, Now, out _));

    [Theory]
    [InlineData("2s", 2000)]
    [InlineData("1.5s", 1500)]
    [InlineData("0.250s", 250)]
    [InlineData("250ms", 250)]
    [InlineData("250MS", 250)]
    [InlineData("0s", 0)]
    [InlineData(" 3s ", 3000)]
    [InlineData("30S", 30_000)]
    public void TryParseDuration_ProtobufDuration_ReturnsTheDelay(string value, int expectedMs)
    {
        Assert.True(LlmRetryAfter.TryParseDuration(value, out var delay));
        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), delay);
    }

    [Fact]
    public void TryParseDuration_Huge_IsClampedToOneDay()
    {
        Assert.True(LlmRetryAfter.TryParseDuration("315576000000s", out var delay));
        Assert.Equal(LlmRetryAfter.MaxValue, delay);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    [InlineData("2")]
    [InlineData("s")]
    [InlineData("ms")]
    [InlineData("-1s")]
    [InlineData("abcs")]
    [InlineData("NaNs")]
    [InlineData("Infinitys")]
    [InlineData("2m")]
    [InlineData("2h")]
    public void TryParseDuration_Garbage_ReturnsFalse(string? value)
    {
        Assert.False(LlmRetryAfter.TryParseDuration(value, out var delay));
        Assert.Equal(TimeSpan.Zero, delay);
    }
}
