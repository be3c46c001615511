namespace LlmFallback.Tests.Failures;

public class LlmFailureTests
{
    [Fact]
    public void Constructor_OnlyKind_HasNoOtherFacts()
    {
        var failure = new LlmFailure(LlmFailureKind.Transport);

        Assert.Equal(LlmFailureKind.Transport, failure.Kind);
        Assert.Null(failure.StatusCode);
        Assert.Null(failure.RetryAfter);
        Assert.Null(failure.ErrorCode);
        Assert.Null(failure.Exception);
    }

    [Fact]
    public void Constructor_NegativeRetryAfter_BecomesZero() =>
        Assert.Equal(TimeSpan.Zero, new LlmFailure(LlmFailureKind.RateLimited, retryAfter: TimeSpan.FromSeconds(-3)).RetryAfter);

    [Theory]
    [InlineData(LlmFailureKind.RateLimited, true)]
    [InlineData(LlmFailureKind.ServerError, true)]
    [InlineData(LlmFailureKind.Timeout, true)]
    [InlineData(LlmFailureKind.Transport, true)]
    [InlineData(LlmFailureKind.ContextLengthExceeded, false)]
    [InlineData(LlmFailureKind.ContentPolicy, false)]
    [InlineData(LlmFailureKind.Authentication, false)]
    [InlineData(LlmFailureKind.ModelNotFound, false)]
    [InlineData(LlmFailureKind.BadRequest, false)]
    [InlineData(LlmFailureKind.Cancelled, false)]
    [InlineData(LlmFailureKind.Unavailable, false)]
    public void IsTransient_EachKind_IsDocumented(LlmFailureKind kind, bool expected) =>
        Assert.Equal(expected, new LlmFailure(kind).IsTransient);

    [Fact]
    public void WithKind_OtherKind_KeepsEveryOtherFact()
    {
        var ex = new InvalidOperationException();
        var failure = new LlmFailure(LlmFailureKind.BadRequest, 400, TimeSpan.FromSeconds(1), "code", ex);

        var changed = failure.WithKind(LlmFailureKind.ContextLengthExceeded);

        Assert.Equal(LlmFailureKind.ContextLengthExceeded, changed.Kind);
        Assert.Equal(400, changed.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(1), changed.RetryAfter);
        Assert.Equal("code", changed.ErrorCode);
        Assert.Same(ex, changed.Exception);
        Assert.Same(failure, failure.WithKind(LlmFailureKind.BadRequest));
    }

    [Theory]
    [InlineData(LlmFailureKind.Transport, null, null, null, "Transport")]
    [InlineData(LlmFailureKind.ServerError, 500, null, null, "ServerError (HTTP 500)")]
    [InlineData(LlmFailureKind.RateLimited, 429, "rate_limit_exceeded", 2000, "RateLimited (HTTP 429, rate_limit_exceeded, retry after 2s)")]
    [InlineData(LlmFailureKind.RateLimited, null, null, 1500, "RateLimited (retry after 1.5s)")]
    [InlineData(LlmFailureKind.RateLimited, null, null, 250, "RateLimited (retry after 250ms)")]
    [InlineData(LlmFailureKind.ContentPolicy, null, "content_filter", null, "ContentPolicy (content_filter)")]
    [InlineData(LlmFailureKind.BadRequest, 400, "", null, "BadRequest (HTTP 400)")]
    [InlineData(LlmFailureKind.ModelNotFound, 404, "Deployment-Not_Found.v1:x", null, "ModelNotFound (HTTP 404, Deployment-Not_Found.v1:x)")]
    public void ToString_Facts_ExactText(LlmFailureKind kind, int? status, string? code, int? retryAfterMs, string expected)
    {
        var failure = new LlmFailure(kind, status, retryAfterMs is { } ms ? TimeSpan.FromMilliseconds(ms) : null, code);

        Assert.Equal(expected, failure.ToString());
    }

    [Theory]
    [InlineData("This model's maximum context length is 4096 tokens")]
    [InlineData("code\nX-Injected: header")]
    [InlineData("sk-proj-abc def")]
    [InlineData("<script>alert(1)</script>")]
    [InlineData("ünïcode")]
    [InlineData("a,b")]
    [InlineData("models/gemini-9")]
    [InlineData("{\"error\":\"x\"}")]
    public void ToString_CodeWithFreeTextOrOddCharacters_NeverLeaks(string code)
    {
        var failure = new LlmFailure(LlmFailureKind.BadRequest, 400, errorCode: code);

        var text = failure.ToString();

        Assert.Equal("BadRequest (HTTP 400, (unprintable error code))", text);
    }

    [Fact]
    public void ToString_VeryLongCode_IsTruncatedTo64Characters()
    {
        var code = new string('a', 100);

        Assert.Equal($"BadRequest ({new string('a', 64)})", new LlmFailure(LlmFailureKind.BadRequest, errorCode: code).ToString());
    }

    [Fact]
    public void ToString_ExceptionMessage_NeverIncluded()
    {
        var failure = new LlmFailure(LlmFailureKind.ServerError, 500, exception: new InvalidOperationException("secret prompt text"));

        Assert.DoesNotContain("secret", failure.ToString(), StringComparison.Ordinal);
    }
}
