namespace LlmFallback.Tests.Failures;

public class LlmAttemptTests
{
    [Fact]
    public void Constructor_NullProvider_Throws() =>
        Assert.Throws<ArgumentNullException>("provider", () => new LlmAttempt(null!, null, null, TimeSpan.Zero, LlmAttemptDecision.Answered));

    [Fact]
    public void Properties_FailedAttempt_ExposeTheFailure()
    {
        var failure = new LlmFailure(LlmFailureKind.RateLimited, 429);

        var attempt = new LlmAttempt("openai", "gpt-4o", failure, TimeSpan.FromMilliseconds(120), LlmAttemptDecision.Retried);

        Assert.Equal("openai", attempt.Provider);
        Assert.Equal("gpt-4o", attempt.ModelId);
        Assert.Same(failure, attempt.Failure);
        Assert.Equal(LlmFailureKind.RateLimited, attempt.Kind);
        Assert.Equal(429, attempt.StatusCode);
        Assert.Equal(TimeSpan.FromMilliseconds(120), attempt.Duration);
        Assert.Equal(LlmAttemptDecision.Retried, attempt.Decision);
        Assert.False(attempt.Succeeded);
    }

    [Fact]
    public void Properties_AnsweredAttempt_HasNoFailure()
    {
        var attempt = new LlmAttempt("openai", null, null, TimeSpan.FromSeconds(1), LlmAttemptDecision.Answered);

        Assert.True(attempt.Succeeded);
        Assert.Null(attempt.Kind);
        Assert.Null(attempt.StatusCode);
    }

    public static TheoryData<LlmFailure?, int, LlmAttemptDecision, string> Descriptions => new()
    {
        { null, 120, LlmAttemptDecision.Answered, "openai: answered in 120ms" },
        { new LlmFailure(LlmFailureKind.RateLimited, 429, TimeSpan.FromSeconds(2)), 120, LlmAttemptDecision.Retried, "openai: RateLimited (HTTP 429, retry after 2s) in 120ms, retried" },
        { new LlmFailure(LlmFailureKind.ServerError, 503), 2500, LlmAttemptDecision.FailedOver, "openai: ServerError (HTTP 503) in 2.5s, failed over" },
        { new LlmFailure(LlmFailureKind.BadRequest, 400), 40, LlmAttemptDecision.Surfaced, "openai: BadRequest (HTTP 400) in 40ms, surfaced" },
        { new LlmFailure(LlmFailureKind.Unavailable, retryAfter: TimeSpan.FromSeconds(12)), 0, LlmAttemptDecision.Skipped, "openai: Unavailable (retry after 12s), skipped" },
        { new LlmFailure(LlmFailureKind.Transport), 900, LlmAttemptDecision.Rescued, "openai: Transport in 900ms, rescued by the next provider" },
        { new LlmFailure(LlmFailureKind.Timeout), 0, (LlmAttemptDecision)42, "openai: Timeout in 0ms, 42" },
    };

    [Theory]
    [MemberData(nameof(Descriptions))]
    public void ToString_EachDecision_ExactText(LlmFailure? failure, int durationMs, LlmAttemptDecision decision, string expected) =>
        Assert.Equal(expected, new LlmAttempt("openai", "m", failure, TimeSpan.FromMilliseconds(durationMs), decision).ToString());

    [Fact]
    public void ToString_ProviderTextInTheException_NeverLeaks()
    {
        var failure = LlmFailureClassifier.FromHttpStatus(400, "invalid_request_error\r\nSet-Cookie: x", "prompt is too long: 208310 tokens > 200000 maximum", exception: new InvalidOperationException("user said: my password is hunter2"));

        var text = new LlmAttempt("anthropic", "claude", failure, TimeSpan.FromMilliseconds(5), LlmAttemptDecision.FailedOver).ToString();

        Assert.Equal("anthropic: ContextLengthExceeded (HTTP 400, (unprintable error code)) in 5ms, failed over", text);
    }
}
