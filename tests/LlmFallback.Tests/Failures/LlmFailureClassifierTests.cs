using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace LlmFallback.Tests.Failures;

public class LlmFailureClassifierTests
{
    [Theory]
    [InlineData(400, LlmFailureKind.BadRequest)]
    [InlineData(401, LlmFailureKind.Authentication)]
    [InlineData(402, LlmFailureKind.Authentication)]
    [InlineData(403, LlmFailureKind.Authentication)]
    [InlineData(404, LlmFailureKind.ModelNotFound)]
    [InlineData(405, LlmFailureKind.BadRequest)]
    [InlineData(408, LlmFailureKind.Timeout)]
    [InlineData(409, LlmFailureKind.ServerError)]
    [InlineData(413, LlmFailureKind.ContextLengthExceeded)]
    [InlineData(415, LlmFailureKind.BadRequest)]
    [InlineData(418, LlmFailureKind.BadRequest)]
    [InlineData(422, LlmFailureKind.BadRequest)]
    [InlineData(429, LlmFailureKind.RateLimited)]
    [InlineData(499, LlmFailureKind.BadRequest)]
    [InlineData(500, LlmFailureKind.ServerError)]
    [InlineData(501, LlmFailureKind.ServerError)]
    [InlineData(502, LlmFailureKind.ServerError)]
    [InlineData(503, LlmFailureKind.ServerError)]
    [InlineData(504, LlmFailureKind.Timeout)]
    [InlineData(529, LlmFailureKind.ServerError)]
    [InlineData(599, LlmFailureKind.ServerError)]
    [InlineData(200, LlmFailureKind.ServerError)]
    [InlineData(302, LlmFailureKind.ServerError)]
    [InlineData(0, LlmFailureKind.ServerError)]
    public void KindFromStatus_EachStatus_MapsToDocumentedKind(int status, LlmFailureKind expected)
    {
        Assert.Equal(expected, LlmFailureClassifier.KindFromStatus(status));
        Assert.Equal(expected, LlmFailureClassifier.FromHttpStatus(status).Kind);
    }

    [Theory]
    [InlineData("context_length_exceeded", LlmFailureKind.ContextLengthExceeded)]
    [InlineData("string_above_max_length", LlmFailureKind.ContextLengthExceeded)]
    [InlineData("request_too_large", LlmFailureKind.ContextLengthExceeded)]
    [InlineData("exceed_context_size_error", LlmFailureKind.ContextLengthExceeded)]
    [InlineData("content_filter", LlmFailureKind.ContentPolicy)]
    [InlineData("content_policy_violation", LlmFailureKind.ContentPolicy)]
    [InlineData("ResponsibleAIPolicyViolation", LlmFailureKind.ContentPolicy)]
    [InlineData("SAFETY", LlmFailureKind.ContentPolicy)]
    [InlineData("PROHIBITED_CONTENT", LlmFailureKind.ContentPolicy)]
    [InlineData("BLOCKLIST", LlmFailureKind.ContentPolicy)]
    [InlineData("RECITATION", LlmFailureKind.ContentPolicy)]
    [InlineData("SPII", LlmFailureKind.ContentPolicy)]
    [InlineData("rate_limit_exceeded", LlmFailureKind.RateLimited)]
    [InlineData("rate_limit_error", LlmFailureKind.RateLimited)]
    [InlineData("RESOURCE_EXHAUSTED", LlmFailureKind.RateLimited)]
    [InlineData("too_many_requests", LlmFailureKind.RateLimited)]
    [InlineData("insufficient_quota", LlmFailureKind.Authentication)]
    [InlineData("billing_hard_limit_reached", LlmFailureKind.Authentication)]
    [InlineData("invalid_api_key", LlmFailureKind.Authentication)]
    [InlineData("authentication_error", LlmFailureKind.Authentication)]
    [InlineData("permission_error", LlmFailureKind.Authentication)]
    [InlineData("PERMISSION_DENIED", LlmFailureKind.Authentication)]
    [InlineData("UNAUTHENTICATED", LlmFailureKind.Authentication)]
    [InlineData("billing_error", LlmFailureKind.Authentication)]
    [InlineData("model_not_found", LlmFailureKind.ModelNotFound)]
    [InlineData("DeploymentNotFound", LlmFailureKind.ModelNotFound)]
    [InlineData("not_found_error", LlmFailureKind.ModelNotFound)]
    [InlineData("NOT_FOUND", LlmFailureKind.ModelNotFound)]
    [InlineData("overloaded_error", LlmFailureKind.ServerError)]
    [InlineData("api_error", LlmFailureKind.ServerError)]
    [InlineData("server_error", LlmFailureKind.ServerError)]
    [InlineData("INTERNAL", LlmFailureKind.ServerError)]
    [InlineData("UNAVAILABLE", LlmFailureKind.ServerError)]
    [InlineData("service_unavailable", LlmFailureKind.ServerError)]
    [InlineData("DEADLINE_EXCEEDED", LlmFailureKind.Timeout)]
    [InlineData("timeout_error", LlmFailureKind.Timeout)]
    [InlineData("timeout", LlmFailureKind.Timeout)]
    [InlineData("INVALID_ARGUMENT", LlmFailureKind.BadRequest)]
    [InlineData("invalid_request_error", LlmFailureKind.BadRequest)]
    [InlineData("FAILED_PRECONDITION", LlmFailureKind.BadRequest)]
    public void KindFromErrorCode_KnownCode_MapsCaseInsensitively(string code, LlmFailureKind expected)
    {
        Assert.Equal(expected, LlmFailureClassifier.KindFromErrorCode(code));
        Assert.Equal(expected, LlmFailureClassifier.KindFromErrorCode(code.ToUpperInvariant()));
        Assert.Equal(expected, LlmFailureClassifier.KindFromErrorCode(code.ToLowerInvariant()));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("validation")]
    [InlineData("BadRequestError")]
    [InlineData("something_else")]
    public void KindFromErrorCode_UnknownOrMissing_ReturnsNull(string? code) =>
        Assert.Null(LlmFailureClassifier.KindFromErrorCode(code));

    // Real error bodies, as the servers send them (status, error code or type, message).
    public static TheoryData<string, int, string?, string> ContextLengthErrors => new()
    {
        { "OpenAI chat completions", 400, "context_length_exceeded", "This model's maximum context length is 4097 tokens. However, you requested 4120 tokens (3120 in the messages, 1000 in the completion). Please reduce the length of the messages or completion." },
        { "OpenAI chat completions, code dropped by a proxy", 400, null, "This model's maximum context length is 8192 tokens. However, your messages resulted in 9000 tokens. Please reduce the length of the messages." },
        { "OpenAI responses", 400, "context_length_exceeded", "Your input exceeds the context window of this model. Please adjust your input and try again." },
        { "OpenAI responses, type only", 400, "invalid_request_error", "Your input exceeds the context window of this model. Please adjust your input and try again." },
        { "Azure OpenAI", 400, "context_length_exceeded", "This model's maximum context length is 128000 tokens. However, your messages resulted in 130512 tokens. Please reduce the length of the messages." },
        { "Anthropic", 400, "invalid_request_error", "prompt is too long: 208310 tokens > 200000 maximum" },
        { "Gemini", 400, "INVALID_ARGUMENT", "The input token count (1200293) exceeds the maximum number of tokens allowed (1048576)." },
        { "OpenRouter", 400, null, "This endpoint's maximum context length is 32768 tokens. However, you requested about 42832 tokens (42832 of text input). Please reduce the length of either one, or use the \"middle-out\" transform to compress your prompt automatically." },
        { "vLLM", 400, "BadRequestError", "This model's maximum context length is 16384 tokens. However, you requested 122946 tokens (112946 in the messages, 10000 in the completion). Please reduce the length of the messages or completion." },
        { "vLLM max_model_len", 400, "BadRequestError", "The decoder prompt (length 17772) is longer than the maximum model length of 16384. Make sure that `max_model_len` is no smaller than the number of text tokens." },
        { "vLLM max_model_len behind a 500", 500, null, "The decoder prompt (length 66501) is longer than the maximum model length of 65536. Make sure that `max_model_len` is no smaller than the number of text tokens." },
        { "vLLM V1 prompt length", 400, null, "Prompt length of 2048 is longer than the maximum model length of 2048." },
        { "llama.cpp 400", 400, "exceed_context_size_error", "the request exceeds the available context size, try increasing it" },
        { "llama.cpp 500 with type", 500, "exceed_context_size_error", "the request exceeds the available context size. try increasing the context size or enable context shift" },
        { "llama.cpp token counts", 400, "exceed_context_size_error", "request (4390 tokens) exceeds the available context size (4096 tokens), try increasing it" },
        { "llama.cpp type dropped", 400, null, "the request exceeds the available context size. try increasing the context size or enable context shift" },
        { "llama.cpp generic server_error", 500, "server_error", "Context size has been exceeded." },
        { "llama-cpp-python", 400, null, "Requested tokens (2285) exceed context window of 2048" },
        { "Ollama", 400, null, "the input length exceeds the context length" },
        { "TGI inputs + max_new_tokens", 422, "validation", "Input validation error: `inputs` tokens + `max_new_tokens` must be <= 2048. Given: 1244 `inputs` tokens and 1000 `max_new_tokens`" },
        { "TGI inputs only", 422, "validation", "Input validation error: `inputs` must have less than 1024 tokens. Given: 1168" },
        { "LM Studio keep first", 400, null, "Trying to keep the first 15857 tokens when context the overflows. However, the model is loaded with context length of only 4096 tokens, which is not enough. Try to load the model with a larger context length, or provide a shorter input" },
        { "LM Studio n_keep", 400, null, "Cannot truncate prompt with n_keep (15028) >= n_ctx (7424)" },
    };

    [Theory]
    [MemberData(nameof(ContextLengthErrors))]
    public void FromHttpStatus_RealContextLengthError_IsContextLengthExceeded(string server, int status, string? code, string message)
    {
        var failure = LlmFailureClassifier.FromHttpStatus(status, code, message);

        Assert.True(failure.Kind == LlmFailureKind.ContextLengthExceeded, $"{server}: classified as {failure.Kind}");
        Assert.Equal(status, failure.StatusCode);
        Assert.Equal(code, failure.ErrorCode);
        Assert.Equal(LlmFailureKind.ContextLengthExceeded, LlmFailureClassifier.KindFromText(message));
    }

    [Fact]
    public void FromHttpStatus_AzureContentFilter_IsContentPolicy()
    {
        const string Message = "The response was filtered due to the prompt triggering Azure OpenAI's content management policy. Please modify your prompt and retry. To learn more about our content filtering policies please read our documentation: https://go.microsoft.com/fwlink/?linkid=2198766";

        Assert.Equal(LlmFailureKind.ContentPolicy, LlmFailureClassifier.FromHttpStatus(400, "content_filter", Message).Kind);
        Assert.Equal(LlmFailureKind.ContentPolicy, LlmFailureClassifier.FromHttpStatus(400, null, Message).Kind);
        Assert.Equal(LlmFailureKind.ContentPolicy, LlmFailureClassifier.FromHttpStatus(400, "ResponsibleAIPolicyViolation", null).Kind);
    }

    [Theory]
    [InlineData(429, "insufficient_quota")]
    [InlineData(429, "INSUFFICIENT_QUOTA")]
    [InlineData(429, "billing_hard_limit_reached")]
    public void FromHttpStatus_QuotaExhausted429_IsAuthenticationNotRateLimited(int status, string code)
    {
        var failure = LlmFailureClassifier.FromHttpStatus(status, code, "You exceeded your current quota, please check your plan and billing details.", TimeSpan.FromSeconds(20));

        Assert.Equal(LlmFailureKind.Authentication, failure.Kind);
        Assert.Equal(429, failure.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(20), failure.RetryAfter);
    }

    public static TheoryData<string, int, string?, string, LlmFailureKind> OtherRealErrors => new()
    {
        { "Anthropic max_tokens too large", 400, "invalid_request_error", "max_tokens: 10000 > 4096, which is the maximum allowed number of output tokens for claude-3-5-sonnet-20240620", LlmFailureKind.BadRequest },
        { "Anthropic overloaded", 529, "overloaded_error", "Overloaded", LlmFailureKind.ServerError },
        { "OpenAI TPM rate limit", 429, "rate_limit_exceeded", "Rate limit reached for gpt-4o in organization org-abc on tokens per min (TPM): Limit 30000, Used 29000, Requested 2000. Please try again in 2s.", LlmFailureKind.RateLimited },
        { "OpenAI TPM rate limit without code", 429, null, "Rate limit reached for gpt-4o in organization org-abc on tokens per min (TPM): Limit 30000, Used 29000, Requested 2000. Please try again in 2s.", LlmFailureKind.RateLimited },
        { "Gemini per-minute quota", 429, "RESOURCE_EXHAUSTED", "You exceeded your current quota, please check your plan and billing details.", LlmFailureKind.RateLimited },
        { "OpenAI bad key", 401, "invalid_api_key", "Incorrect API key provided: sk-abc***xyz. You can find your API key at https://platform.openai.com/account/api-keys.", LlmFailureKind.Authentication },
        { "OpenAI unknown model", 404, "model_not_found", "The model `gpt-5-ultra` does not exist or you do not have access to it.", LlmFailureKind.ModelNotFound },
        { "Gemini unavailable", 503, "UNAVAILABLE", "The model is overloaded. Please try again later.", LlmFailureKind.ServerError },
    };

    [Theory]
    [MemberData(nameof(OtherRealErrors))]
    public void FromHttpStatus_RealNonContextError_KeepsItsKind(string server, int status, string? code, string message, LlmFailureKind expected)
    {
        var kind = LlmFailureClassifier.FromHttpStatus(status, code, message).Kind;

        Assert.True(kind == expected, $"{server}: classified as {kind}, expected {expected}");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("Internal server error")]
    [InlineData("Invalid value for 'temperature': must be between 0 and 2.")]
    public void KindFromText_NoKnownPattern_ReturnsNull(string? message) =>
        Assert.Null(LlmFailureClassifier.KindFromText(message));

    [Fact]
    public void FromHttpStatus_SpecificCodeAndContextText_CodeWins()
    {
        var failure = LlmFailureClassifier.FromHttpStatus(400, "content_filter", "This model's maximum context length is 4096 tokens.");

        Assert.Equal(LlmFailureKind.ContentPolicy, failure.Kind);
    }

    [Fact]
    public void FromHttpStatus_AllFacts_AreKept()
    {
        var ex = new InvalidOperationException("boom");

        var failure = LlmFailureClassifier.FromHttpStatus(429, "rate_limit_exceeded", "slow down", TimeSpan.FromSeconds(3), ex);

        Assert.Equal(LlmFailureKind.RateLimited, failure.Kind);
        Assert.Equal(429, failure.StatusCode);
        Assert.Equal("rate_limit_exceeded", failure.ErrorCode);
        Assert.Equal(TimeSpan.FromSeconds(3), failure.RetryAfter);
        Assert.Same(ex, failure.Exception);
        Assert.DoesNotContain("slow down", failure.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(HttpStatusCode.TooManyRequests, LlmFailureKind.RateLimited)]
    [InlineData(HttpStatusCode.Unauthorized, LlmFailureKind.Authentication)]
    [InlineData(HttpStatusCode.NotFound, LlmFailureKind.ModelNotFound)]
    [InlineData(HttpStatusCode.BadGateway, LlmFailureKind.ServerError)]
    [InlineData(HttpStatusCode.GatewayTimeout, LlmFailureKind.Timeout)]
    [InlineData(HttpStatusCode.RequestEntityTooLarge, LlmFailureKind.ContextLengthExceeded)]
    public void Classify_HttpRequestExceptionWithStatus_UsesTheStatus(HttpStatusCode status, LlmFailureKind expected)
    {
        var ex = new HttpRequestException("failed", null, status);

        var failure = LlmFailureClassifier.Classify(ex);

        Assert.Equal(expected, failure.Kind);
        Assert.Equal((int)status, failure.StatusCode);
        Assert.Same(ex, failure.Exception);
    }

    [Theory]
    [InlineData(HttpRequestError.Unknown, LlmFailureKind.Transport)]
    [InlineData(HttpRequestError.NameResolutionError, LlmFailureKind.Transport)]
    [InlineData(HttpRequestError.ConnectionError, LlmFailureKind.Transport)]
    [InlineData(HttpRequestError.SecureConnectionError, LlmFailureKind.Transport)]
    [InlineData(HttpRequestError.HttpProtocolError, LlmFailureKind.Transport)]
    [InlineData(HttpRequestError.ExtendedConnectNotSupported, LlmFailureKind.Transport)]
    [InlineData(HttpRequestError.VersionNegotiationError, LlmFailureKind.Transport)]
    [InlineData(HttpRequestError.UserAuthenticationError, LlmFailureKind.Transport)]
    [InlineData(HttpRequestError.ProxyTunnelError, LlmFailureKind.Transport)]
    [InlineData(HttpRequestError.ResponseEnded, LlmFailureKind.Transport)]
    [InlineData(HttpRequestError.InvalidResponse, LlmFailureKind.ServerError)]
    [InlineData(HttpRequestError.ConfigurationLimitExceeded, LlmFailureKind.ServerError)]
    public void Classify_HttpRequestExceptionWithError_MapsEachError(HttpRequestError error, LlmFailureKind expected)
    {
        var failure = LlmFailureClassifier.Classify(new HttpRequestException(error, "failed"));

        Assert.Equal(expected, failure.Kind);
        Assert.Null(failure.StatusCode);
    }

    [Fact]
    public void Classify_TransportExceptions_AreTransport()
    {
        Assert.Equal(LlmFailureKind.Transport, LlmFailureClassifier.Classify(new HttpIOException(HttpRequestError.ResponseEnded, "ended")).Kind);
        Assert.Equal(LlmFailureKind.Transport, LlmFailureClassifier.Classify(new SocketException((int)SocketError.ConnectionReset)).Kind);
        Assert.Equal(LlmFailureKind.Transport, LlmFailureClassifier.Classify(new IOException("Unable to read data from the transport connection.")).Kind);
    }

    [Fact]
    public void Classify_ConnectionRefusedAsHttpClientThrowsIt_IsTransport()
    {
        var ex = new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused (127.0.0.1:1)", new SocketException((int)SocketError.ConnectionRefused));

        Assert.Equal(LlmFailureKind.Transport, LlmFailureClassifier.Classify(ex).Kind);
    }

    [Fact]
    public void Classify_TimeoutException_IsTimeout() =>
        Assert.Equal(LlmFailureKind.Timeout, LlmFailureClassifier.Classify(new TimeoutException()).Kind);

    [Fact]
    public void Classify_HttpClientTimeoutAsItThrowsIt_IsTimeout()
    {
        // HttpClient.Timeout surfaces as TaskCanceledException wrapping a TimeoutException.
        var ex = new TaskCanceledException("The request was canceled due to the configured HttpClient.Timeout of 100 seconds elapsing.", new TimeoutException("The operation was canceled."));

        var failure = LlmFailureClassifier.Classify(ex);

        Assert.Equal(LlmFailureKind.Timeout, failure.Kind);
        Assert.Same(ex, failure.Exception);
    }

    [Fact]
    public void Classify_MalformedResponse_IsServerError()
    {
        Assert.Equal(LlmFailureKind.ServerError, LlmFailureClassifier.Classify(new JsonException("'<' is an invalid start of a value.")).Kind);
        Assert.Equal(LlmFailureKind.ServerError, LlmFailureClassifier.Classify(new InvalidDataException()).Kind);
        Assert.Equal(LlmFailureKind.ServerError, LlmFailureClassifier.Classify(new FormatException()).Kind);
    }

    [Fact]
    public void Classify_NestedTransportException_WalksInnerExceptionsAndKeepsTheOuter()
    {
        var outer = new InvalidOperationException("sdk wrapper", new IOException("read failed", new SocketException((int)SocketError.ConnectionReset)));

        var failure = LlmFailureClassifier.Classify(outer);

        Assert.Equal(LlmFailureKind.Transport, failure.Kind);
        Assert.Same(outer, failure.Exception);
    }

    [Fact]
    public void Classify_AggregateWithOneInner_ClassifiesTheInner()
    {
        var ex = new AggregateException(new HttpRequestException("x", null, HttpStatusCode.TooManyRequests));

        Assert.Equal(LlmFailureKind.RateLimited, LlmFailureClassifier.Classify(ex).Kind);
    }

    [Fact]
    public void Classify_AggregateWithSeveralInners_ClassifiesTheFirst()
    {
        var ex = new AggregateException(new TimeoutException(), new HttpRequestException("x", null, HttpStatusCode.TooManyRequests));

        Assert.Equal(LlmFailureKind.Timeout, LlmFailureClassifier.Classify(ex).Kind);
    }

    [Fact]
    public void Classify_LlmProviderExceptionInside_KeepsItsFacts()
    {
        var inner = new LlmProviderException(LlmFailureKind.RateLimited, "openai", 429, TimeSpan.FromSeconds(4), "rate_limit_exceeded");
        var outer = new InvalidOperationException("wrapped", inner);

        var failure = LlmFailureClassifier.Classify(outer);

        Assert.Equal(LlmFailureKind.RateLimited, failure.Kind);
        Assert.Equal(429, failure.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(4), failure.RetryAfter);
        Assert.Equal("rate_limit_exceeded", failure.ErrorCode);
        Assert.Same(outer, failure.Exception);
    }

    [Fact]
    public void Classify_UnknownException_IsServerErrorByDefault()
    {
        var ex = new InvalidOperationException("who knows");

        var failure = LlmFailureClassifier.Classify(ex);

        Assert.Equal(LlmFailureKind.ServerError, failure.Kind);
        Assert.Null(failure.StatusCode);
        Assert.Same(ex, failure.Exception);
        Assert.Equal(LlmFailureKind.ServerError, LlmFailureClassifier.Default.Classify(ex)!.Kind);
    }

    [Fact]
    public void Classify_ChainDeeperThanTheLimit_StopsAndDefaultsToServerError()
    {
        Exception ex = new SocketException((int)SocketError.ConnectionReset);
        for (var i = 0; i < 10; i++)
        {
            ex = new InvalidOperationException("layer", ex);
        }

        Assert.Equal(LlmFailureKind.ServerError, LlmFailureClassifier.Classify(ex).Kind);
    }

    [Fact]
    public void Classify_Null_Throws()
    {
        Assert.Throws<ArgumentNullException>("exception", () => LlmFailureClassifier.Classify(null!));
        Assert.Throws<ArgumentNullException>("exception", () => LlmFailureClassifier.Default.Classify(null!));
    }

    [Theory]
    [InlineData("text/event-stream")]
    [InlineData("text/event-stream; charset=utf-8")]
    [InlineData("TEXT/EVENT-STREAM")]
    public void CheckStreamContentType_EventStream_IsFine(string contentType) =>
        Assert.Null(LlmFailureClassifier.CheckStreamContentType(contentType, 200, "p"));

    [Theory]
    [InlineData("text/html; charset=utf-8", "'text/html'")]
    [InlineData("application/json", "'application/json'")]
    [InlineData(null, "'(none)'")]
    [InlineData("", "'(none)'")]
    [InlineData("not a media type", "'(invalid)'")]
    public void CheckStreamContentType_AnythingElse_IsAServerErrorNamingTheMediaType(string? contentType, string named)
    {
        var ex = LlmFailureClassifier.CheckStreamContentType(contentType, 200, "p");

        Assert.NotNull(ex);
        Assert.Equal(LlmFailureKind.ServerError, ex.Kind);
        Assert.Equal(LlmFailureClassifier.UnexpectedContentTypeCode, ex.ErrorCode);
        Assert.Equal(200, ex.StatusCode);
        Assert.Equal("p", ex.Provider);
        Assert.Contains(named, ex.InnerException!.Message, StringComparison.Ordinal);
        Assert.Equal(LlmFailureKind.ServerError, LlmFailureClassifier.Classify(ex).Kind);
    }

    [Fact]
    public void CheckStreamContentType_Parameters_AreNotRepeated()
    {
        var ex = LlmFailureClassifier.CheckStreamContentType("text/html; session=abc123secret", 200, null);

        Assert.DoesNotContain("abc123secret", ex!.ToString(), StringComparison.Ordinal);
    }
}
