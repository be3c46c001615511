using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using System.Text.Json;
using Anthropic.Exceptions;
using LlmFallback.Conformance;

namespace LlmFallback.Anthropic.Tests;

public sealed class AnthropicFailureClassifierTests
{
    private static readonly AnthropicFailureClassifier Classifier = AnthropicFailureClassifier.Instance;

    public static TheoryData<int, string, string, LlmFailureKind> HttpErrors => new()
    {
        { 529, "overloaded_error", "Overloaded", LlmFailureKind.ServerError },
        { 429, "rate_limit_error", "This request would exceed the rate limit for your organization of 50 requests per minute.", LlmFailureKind.RateLimited },
        { 401, "authentication_error", "invalid x-api-key", LlmFailureKind.Authentication },
        { 403, "permission_error", "Your API key does not have permission to use the specified resource.", LlmFailureKind.Authentication },
        { 404, "not_found_error", "model: claude-sonnet-9-9", LlmFailureKind.ModelNotFound },
        { 413, "request_too_large", "Request exceeds the maximum allowed number of bytes.", LlmFailureKind.ContextLengthExceeded },
        { 400, "invalid_request_error", "prompt is too long: 215013 tokens > 200000 maximum", LlmFailureKind.ContextLengthExceeded },
        { 400, "invalid_request_error", "messages.1.content.0.text: field required", LlmFailureKind.BadRequest },
        { 400, "invalid_request_error", "This model does not support assistant message prefill. The conversation must end with a user message.", LlmFailureKind.BadRequest },
        { 400, "invalid_request_error", "Output blocked by content filtering policy", LlmFailureKind.ContentPolicy },
        { 400, "invalid_request_error", "Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing to upgrade or purchase credits.", LlmFailureKind.Authentication },
        { 402, "billing_error", "Your account has an outstanding balance.", LlmFailureKind.Authentication },
        { 500, "api_error", "Internal server error", LlmFailureKind.ServerError },
        { 504, "timeout_error", "Request timed out", LlmFailureKind.Timeout },
    };

    [Theory]
    [MemberData(nameof(HttpErrors))]
    public void Classify_RealErrorBody_MapsStatusAndType(int status, string type, string message, LlmFailureKind expected)
    {
        var exception = AnthropicExceptionFactory.CreateApiException((HttpStatusCode)status, Body(type, message));

        var failure = Classifier.Classify(exception);

        Assert.NotNull(failure);
        Assert.Equal(expected, failure.Kind);
        Assert.Equal(status, failure.StatusCode);
        Assert.Same(exception, failure.Exception);
        Assert.Null(failure.RetryAfter);
    }

    [Fact]
    public void Classify_OverloadedError_KeepsErrorTypeAsCode()
    {
        var exception = AnthropicExceptionFactory.CreateApiException((HttpStatusCode)529, Body("overloaded_error", "Overloaded"));

        var failure = Classifier.Classify(exception);

        Assert.IsType<AnthropicOverloadedException>(exception);
        Assert.Equal("overloaded_error", failure?.ErrorCode);
        Assert.True(failure?.IsTransient);
    }

    [Fact]
    public void Classify_RateLimitWithRecordedRetryAfter_CarriesRetryAfter()
    {
        var exception = AnthropicExceptionFactory.CreateApiException(HttpStatusCode.TooManyRequests, Body("rate_limit_error", "Rate limited"));
        exception.Data[AnthropicFailureClassifier.RetryAfterDataKey] = TimeSpan.FromSeconds(2);

        var failure = Classifier.Classify(exception);

        Assert.Equal(LlmFailureKind.RateLimited, failure?.Kind);
        Assert.Equal(TimeSpan.FromSeconds(2), failure?.RetryAfter);
    }

    [Fact]
    public void Classify_SpendLimitReached429_IsAuthenticationNotBurst()
    {
        var exception = AnthropicExceptionFactory.CreateApiException(HttpStatusCode.TooManyRequests, AnthropicLoopbackServer.ErrorBody(WireError.QuotaExhausted, withRequestId: true));

        var failure = Classifier.Classify(exception);

        Assert.Equal(LlmFailureKind.Authentication, failure?.Kind);
        Assert.Equal("enforced_spend_limit_reached", failure?.ErrorCode);
        Assert.Equal(429, failure?.StatusCode);
    }

    [Fact]
    public void Classify_BodyThatIsNotJson_FallsBackToStatus()
    {
        var exception = AnthropicExceptionFactory.CreateApiException((HttpStatusCode)529, "<html>upstream overloaded</html>");

        var failure = Classifier.Classify(exception);

        Assert.Equal(LlmFailureKind.ServerError, failure?.Kind);
        Assert.Equal(529, failure?.StatusCode);
        Assert.Null(failure?.ErrorCode);
    }

    [Theory]
    [InlineData(WireError.Overloaded, LlmFailureKind.ServerError)]
    [InlineData(WireError.ServerError, LlmFailureKind.ServerError)]
    [InlineData(WireError.RateLimited, LlmFailureKind.RateLimited)]
    [InlineData(WireError.ContentPolicy, LlmFailureKind.ContentPolicy)]
    [InlineData(WireError.ContextLength, LlmFailureKind.ContextLengthExceeded)]
    public void Classify_StreamErrorEvent_MapsErrorTypeWithoutStatus(WireError error, LlmFailureKind expected)
    {
        var data = AnthropicLoopbackServer.ErrorBody(error, withRequestId: false);
        var exception = new AnthropicSseException($"SSE error returned from server: '{data}'") { Body = JsonDocument.Parse(data).RootElement.Clone() };

        var failure = Classifier.Classify(exception);

        Assert.Equal(expected, failure?.Kind);
        Assert.Null(failure?.StatusCode);
    }

    [Fact]
    public void Classify_StreamErrorEventOfUnknownType_IsServerError()
    {
        var exception = new AnthropicSseException("SSE error") { Body = JsonDocument.Parse("""{"type":"error","error":{"type":"brand_new_error","message":"?"}}""").RootElement.Clone() };

        Assert.Equal(LlmFailureKind.ServerError, Classifier.Classify(exception)?.Kind);
    }

    [Fact]
    public void Classify_MalformedResponse_IsServerError()
    {
        var exception = new AnthropicInvalidDataException("Message must be of type RawMessageStreamEvent", new JsonException("bad"));

        Assert.Equal(LlmFailureKind.ServerError, Classifier.Classify(exception)?.Kind);
    }

    [Fact]
    public void Classify_ConnectionRefused_IsTransport()
    {
        var refused = new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused", new SocketException((int)SocketError.ConnectionRefused));
        var exception = new AnthropicIOException("I/O exception", refused);

        var failure = Classifier.Classify(exception);

        Assert.Equal(LlmFailureKind.Transport, failure?.Kind);
        Assert.Same(exception, failure?.Exception);
    }

    [Fact]
    public void Classify_IOExceptionWithoutInner_IsTransport()
    {
        Assert.Equal(LlmFailureKind.Transport, Classifier.Classify(new AnthropicIOException("I/O exception"))?.Kind);
    }

    [Fact]
    public void Classify_SdkExceptionWrappedByAnotherLayer_IsFound()
    {
        var inner = AnthropicExceptionFactory.CreateApiException((HttpStatusCode)529, Body("overloaded_error", "Overloaded"));

        var failure = Classifier.Classify(new InvalidOperationException("wrapper", inner));

        Assert.Equal(LlmFailureKind.ServerError, failure?.Kind);
        Assert.Equal(529, failure?.StatusCode);
    }

    [Fact]
    public void Classify_ForeignException_ReturnsNull()
    {
        Assert.Null(Classifier.Classify(new InvalidOperationException("not ours")));
    }

    [Fact]
    public void Classify_Null_Throws()
    {
        Assert.Throws<ArgumentNullException>("exception", () => Classifier.Classify(null!));
    }

    [Fact]
    public void Classify_Failure_DescriptionHoldsNoProviderText()
    {
        var exception = AnthropicExceptionFactory.CreateApiException(HttpStatusCode.BadRequest, Body("invalid_request_error", "prompt is too long: secret user text"));

        var description = Classifier.Classify(exception)!.ToString();

        Assert.DoesNotContain("secret", description, StringComparison.Ordinal);
        Assert.Equal("ContextLengthExceeded (HTTP 400, invalid_request_error)", description);
    }

    private static string Body(string type, string message) =>
        JsonSerializer.Serialize(new { type = "error", error = new { type, message }, request_id = "req_011CTest" });
}
