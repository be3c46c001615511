namespace LlmFallback.Tests.Failures;

public class LlmProviderExceptionTests
{
    [Fact]
    public void Constructor_AllFacts_AreExposed()
    {
        var inner = new HttpRequestException("raw provider text");

        var ex = new LlmProviderException(LlmFailureKind.RateLimited, "openai", 429, TimeSpan.FromSeconds(2), "rate_limit_exceeded", inner);

        Assert.Equal(LlmFailureKind.RateLimited, ex.Kind);
        Assert.Equal("openai", ex.Provider);
        Assert.Equal(429, ex.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(2), ex.RetryAfter);
        Assert.Equal("rate_limit_exceeded", ex.ErrorCode);
        Assert.Same(inner, ex.InnerException);
        Assert.Same(inner, ex.Failure.Exception);
        Assert.Empty(ex.Attempts);
        Assert.IsAssignableFrom<LlmException>(ex);
    }

    [Fact]
    public void Message_WithProvider_ExactText()
    {
        var ex = new LlmProviderException(LlmFailureKind.RateLimited, "openai", 429, TimeSpan.FromSeconds(2), "rate_limit_exceeded");

        Assert.Equal("LLM provider 'openai' failed: RateLimited (HTTP 429, rate_limit_exceeded, retry after 2s).", ex.Message);
    }

    [Fact]
    public void Message_WithoutProvider_ExactText() =>
        Assert.Equal("The LLM provider failed: ServerError (HTTP 500).", new LlmProviderException(LlmFailureKind.ServerError, statusCode: 500).Message);

    [Fact]
    public void Message_InnerExceptionText_NeverLeaks()
    {
        var ex = new LlmProviderException(LlmFailureKind.BadRequest, "local", 400, errorCode: "bad request: <prompt>", innerException: new InvalidOperationException("the user's prompt"));

        Assert.Equal("LLM provider 'local' failed: BadRequest (HTTP 400, (unprintable error code)).", ex.Message);
    }

    [Fact]
    public void Message_SurfacedAfterSeveralAttempts_ListsThem()
    {
        var failure = new LlmFailure(LlmFailureKind.BadRequest, 400);
        LlmAttempt[] attempts =
        [
            new("a", null, new LlmFailure(LlmFailureKind.ServerError, 500), TimeSpan.FromMilliseconds(10), LlmAttemptDecision.FailedOver),
            new("b", null, failure, TimeSpan.FromMilliseconds(20), LlmAttemptDecision.Surfaced),
        ];

        var ex = new LlmProviderException(failure, "b", attempts);

        Assert.Equal("LLM provider 'b' failed: BadRequest (HTTP 400). 2 attempts: a: ServerError (HTTP 500) in 10ms, failed over; b: BadRequest (HTTP 400) in 20ms, surfaced.", ex.Message);
        Assert.Same(attempts, ex.Attempts);
    }
}
