namespace LlmFallback.OpenAI.Tests.Internal;

public class RetryHintTests
{
    [Theory]
    [InlineData("Rate limit reached for gpt-4o. Please try again in 1.2s. Visit https://platform.openai.com/account/rate-limits.", 1200)]
    [InlineData("Please try again in 20ms.", 20)]
    [InlineData("Please try again in 1m30.5s.", 90_500)]
    [InlineData("Please try again in 2h0m0s.", 7_200_000)]
    [InlineData("Please retry after 2 seconds.", 2000)]
    [InlineData("Please retry after 1 second.", 1000)]
    [InlineData("Try again in 3 minutes", 180_000)]
    public void TryParse_HintInMessage_ReadsDelay(string message, int milliseconds)
    {
        Assert.True(RetryHint.TryParse(message, out var delay));
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), delay);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("Rate limit reached.")]
    [InlineData("Please try again in a moment.")]
    [InlineData("Please try again in .s")]
    [InlineData("Please try again in 5 fortnights.")]
    public void TryParse_NoUsableHint_ReturnsFalse(string? message)
    {
        Assert.False(RetryHint.TryParse(message, out _));
    }

    [Fact]
    public void TryParse_HugeValue_ClampedToMaximum()
    {
        Assert.True(RetryHint.TryParse("Please retry after 99999999999 seconds.", out var delay));
        Assert.Equal(LlmRetryAfter.MaxValue, delay);
    }
}
