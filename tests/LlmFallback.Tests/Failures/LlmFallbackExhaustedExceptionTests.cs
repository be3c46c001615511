namespace LlmFallback.Tests.Failures;

public class LlmFallbackExhaustedExceptionTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Constructor_NullAttempts_Throws() =>
        Assert.Throws<ArgumentNullException>("attempts", () => new LlmFallbackExhaustedException(null!, null, Now));

    [Fact]
    public void Message_EveryAttempt_IsListedWithoutProviderText()
    {
        var lastError = new HttpRequestException("connection refused by 10.0.0.1, key sk-123");
        LlmAttempt[] attempts =
        [
            new("openai", "gpt-4o", new LlmFailure(LlmFailureKind.RateLimited, 429, TimeSpan.FromSeconds(30), "rate_limit_exceeded"), TimeSpan.FromMilliseconds(80), LlmAttemptDecision.FailedOver),
            new("anthropic", null, new LlmFailure(LlmFailureKind.Unavailable), TimeSpan.Zero, LlmAttemptDecision.Skipped),
            new("local", null, new LlmFailure(LlmFailureKind.Transport, exception: lastError), TimeSpan.FromMilliseconds(3), LlmAttemptDecision.FailedOver),
        ];

        var ex = new LlmFallbackExhaustedException(attempts, Now.AddSeconds(30), Now);

        Assert.Equal(
            "Every LLM provider failed or was unavailable (3 attempts): openai: RateLimited (HTTP 429, rate_limit_exceeded, retry after 30s) in 80ms, failed over; anthropic: Unavailable, skipped; local: Transport in 3ms, failed over. The earliest a provider accepts traffic again is in 30s.",
            ex.Message);
        Assert.Same(lastError, ex.InnerException);
        Assert.Equal(Now.AddSeconds(30), ex.RetryAt);
        Assert.Equal(TimeSpan.FromSeconds(30), ex.RetryAfter);
        Assert.Equal(LlmFailureKind.Transport, ex.LastFailureKind);
        Assert.Equal(3, ex.Attempts.Count);
    }

    [Fact]
    public void Message_OneAttemptNoRetryAt_SingularAndNoRetryHint()
    {
        LlmAttempt[] attempts = [new("a", null, new LlmFailure(LlmFailureKind.ServerError, 500), TimeSpan.FromSeconds(1), LlmAttemptDecision.FailedOver)];

        var ex = new LlmFallbackExhaustedException(attempts, null, Now);

        Assert.Equal("Every LLM provider failed or was unavailable (1 attempt): a: ServerError (HTTP 500) in 1s, failed over.", ex.Message);
        Assert.Null(ex.RetryAt);
        Assert.Null(ex.RetryAfter);
        Assert.Null(ex.InnerException);
    }

    [Fact]
    public void RetryAfter_RetryAtInThePast_IsZero()
    {
        var ex = new LlmFallbackExhaustedException([], Now.AddSeconds(-5), Now);

        Assert.Equal(TimeSpan.Zero, ex.RetryAfter);
        Assert.EndsWith("A provider accepts traffic again now.", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LastFailureKind_OnlySkippedProviders_IsNull()
    {
        LlmAttempt[] attempts = [new("a", null, new LlmFailure(LlmFailureKind.Unavailable), TimeSpan.Zero, LlmAttemptDecision.Skipped)];

        Assert.Null(new LlmFallbackExhaustedException(attempts, Now.AddSeconds(1), Now).LastFailureKind);
    }
}
