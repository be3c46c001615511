using System.ClientModel;
using System.Net.Http;
using System.Net.Sockets;
using Microsoft.Extensions.Time.Testing;

namespace LlmFallback.OpenAI.Tests;

public class OpenAIFailureClassifierTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero));

    private LlmFailure Classify(int status, string body, params (string, string)[] headers)
    {
        var failure = new OpenAIFailureClassifier(_time).Classify(TestPipelineResponse.Exception(status, body, headers));
        Assert.NotNull(failure);
        Assert.Equal(status, failure.StatusCode);
        return failure;
    }

    // Bodies as OpenAI, Azure OpenAI and the OpenAI-compatible servers send them.
    public static TheoryData<string, int, string, LlmFailureKind, string?> Bodies => new()
    {
        {
            "OpenAI context length", 400,
            """{"error":{"message":"This model's maximum context length is 128000 tokens. However, your messages resulted in 130412 tokens. Please reduce the length of the messages.","type":"invalid_request_error","param":"messages","code":"context_length_exceeded"}}""",
            LlmFailureKind.ContextLengthExceeded, "context_length_exceeded"
        },
        {
            "OpenAI tool-call id too long", 400,
            """{"error":{"message":"Invalid 'messages[1].tool_calls[0].id': string too long. Expected a string with maximum length 40, but got a string with length 52 instead.","type":"invalid_request_error","param":"messages[1].tool_calls[0].id","code":"string_above_max_length"}}""",
            LlmFailureKind.BadRequest, "string_above_max_length"
        },
        {
            "OpenAI message content too long", 400,
            """{"error":{"message":"Invalid 'messages[0].content': string too long. Expected a string with maximum length 10485760, but got a string with length 10485761 instead.","type":"invalid_request_error","param":"messages[0].content","code":"string_above_max_length"}}""",
            LlmFailureKind.ContextLengthExceeded, "string_above_max_length"
        },
        {
            "OpenAI bad request", 400,
            """{"error":{"message":"Invalid value for 'temperature': expected a number.","type":"invalid_request_error","param":"temperature","code":"invalid_value"}}""",
            LlmFailureKind.BadRequest, "invalid_request_error"
        },
        {
            "OpenAI content policy", 400,
            """{"error":{"message":"Your request was rejected as a result of our safety system.","type":"invalid_request_error","param":null,"code":"content_policy_violation"}}""",
            LlmFailureKind.ContentPolicy, "content_policy_violation"
        },
        {
            "OpenAI invalid key", 401,
            """{"error":{"message":"Incorrect API key provided: sk-test***1234. You can find your API key at https://platform.openai.com/account/api-keys.","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}""",
            LlmFailureKind.Authentication, "invalid_api_key"
        },
        {
            "OpenAI model not found", 404,
            """{"error":{"message":"The model `gpt-9` does not exist or you do not have access to it.","type":"invalid_request_error","param":null,"code":"model_not_found"}}""",
            LlmFailureKind.ModelNotFound, "model_not_found"
        },
        {
            "OpenAI quota", 429,
            """{"error":{"message":"You exceeded your current quota, please check your plan and billing details.","type":"insufficient_quota","param":null,"code":"insufficient_quota"}}""",
            LlmFailureKind.Authentication, "insufficient_quota"
        },
        {
            "OpenAI server error", 500,
            """{"error":{"message":"The server had an error while processing your request. Sorry about that!","type":"server_error","param":null,"code":null}}""",
            LlmFailureKind.ServerError, "server_error"
        },
        {
            "OpenAI overloaded", 503,
            """{"error":{"message":"The engine is currently overloaded, please try again later.","type":"server_error","param":null,"code":null}}""",
            LlmFailureKind.ServerError, "server_error"
        },
        {
            "Azure content filter", 400,
            """{"error":{"message":"The response was filtered due to the prompt triggering Azure OpenAI's content management policy.","type":null,"param":"prompt","code":"content_filter","status":400,"innererror":{"code":"ResponsibleAIPolicyViolation","content_filter_result":{"hate":{"filtered":true,"severity":"high"}}}}}""",
            LlmFailureKind.ContentPolicy, "content_filter"
        },
        {
            "Azure deployment not found", 404,
            """{"error":{"code":"DeploymentNotFound","message":"The API deployment for this resource does not exist. If you created the deployment within the last 5 minutes, please wait a moment and try again."}}""",
            LlmFailureKind.ModelNotFound, "DeploymentNotFound"
        },
        {
            "Azure invalid key", 401,
            """{"error":{"code":"401","message":"Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource."}}""",
            LlmFailureKind.Authentication, null
        },
        {
            "vLLM context length", 400,
            """{"object":"error","message":"This model's maximum context length is 4096 tokens. However, you requested 4200 tokens (4000 in the messages, 200 in the completion). Please reduce the length of the messages or completion.","type":"BadRequestError","param":null,"code":400}""",
            LlmFailureKind.ContextLengthExceeded, "BadRequestError"
        },
        {
            "vLLM wrapped context length", 400,
            """{"error":{"message":"This model's maximum context length is 8192 tokens. However, you requested 9000 tokens in the messages, Please reduce the length of the messages.","type":"BadRequestError","param":null,"code":400}}""",
            LlmFailureKind.ContextLengthExceeded, "BadRequestError"
        },
        {
            "vLLM model not found", 404,
            """{"object":"error","message":"The model `llama-9` does not exist.","type":"NotFoundError","param":null,"code":404}""",
            LlmFailureKind.ModelNotFound, "NotFoundError"
        },
        {
            "llama.cpp context size", 400,
            """{"error":{"code":400,"message":"the request exceeds the available context size, try increasing it","type":"exceed_context_size_error","n_prompt_tokens":5000,"n_ctx":4096}}""",
            LlmFailureKind.ContextLengthExceeded, "exceed_context_size_error"
        },
        {
            "Ollama model not found", 404,
            """{"error":{"message":"model \"llama9\" not found, try pulling it first","type":"not_found_error","param":null,"code":null}}""",
            LlmFailureKind.ModelNotFound, "not_found_error"
        },
        {
            "TGI validation", 422,
            """{"error":"Input validation error: `inputs` tokens + `max_new_tokens` must be <= 4096. Given: 4000 `inputs` tokens and 500 `max_new_tokens`","error_type":"validation"}""",
            LlmFailureKind.ContextLengthExceeded, "validation"
        },
        {
            "TGI overloaded", 429,
            """{"error":"Model is overloaded","error_type":"overloaded"}""",
            LlmFailureKind.RateLimited, "overloaded"
        },
        {
            "Not JSON", 502,
            "<html><body>Bad gateway</body></html>",
            LlmFailureKind.ServerError, null
        },
    };

    [Theory]
    [MemberData(nameof(Bodies))]
    public void Classify_RealErrorBody_MapsKindAndCode(string server, int status, string body, LlmFailureKind kind, string? code)
    {
        var failure = Classify(status, body);

        Assert.True(kind == failure.Kind, $"{server}: expected {kind}, got {failure.Kind}");
        Assert.Equal(code, failure.ErrorCode);
    }

    [Fact]
    public void Classify_RetryAfterMsHeader_WinsOverSeconds()
    {
        var failure = Classify(429, RateLimitBody(string.Empty), ("retry-after-ms", "1500"), ("Retry-After", "2"));

        Assert.Equal(LlmFailureKind.RateLimited, failure.Kind);
        Assert.Equal(TimeSpan.FromMilliseconds(1500), failure.RetryAfter);
        Assert.Equal("rate_limit_exceeded", failure.ErrorCode);
    }

    [Fact]
    public void Classify_RetryAfterSeconds_ReadsDelay()
    {
        Assert.Equal(TimeSpan.FromSeconds(2), Classify(429, RateLimitBody(string.Empty), ("Retry-After", "2")).RetryAfter);
    }

    [Fact]
    public void Classify_RetryAfterHttpDate_UsesInjectedClock()
    {
        var failure = Classify(429, RateLimitBody(string.Empty), ("Retry-After", _time.GetUtcNow().AddSeconds(30).ToString("r")));

        Assert.Equal(TimeSpan.FromSeconds(30), failure.RetryAfter);
    }

    [Theory]
    [InlineData(" Please try again in 1.2s.", 1200)]
    [InlineData(" Please try again in 20ms.", 20)]
    [InlineData(" Please try again in 6m0s.", 360_000)]
    public void Classify_TryAgainHintWithoutHeader_ReadsDelayFromMessage(string hint, int milliseconds)
    {
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), Classify(429, RateLimitBody(hint)).RetryAfter);
    }

    [Fact]
    public void Classify_AzureRetryAfterSentence_ReadsDelay()
    {
        const string Body = """{"error":{"code":"429","message":"Requests to the ChatCompletions_Create Operation under Azure OpenAI API version v1 have exceeded token rate limit of your current OpenAI S0 pricing tier. Please retry after 7 seconds."}}""";

        var failure = Classify(429, Body);

        Assert.Equal(LlmFailureKind.RateLimited, failure.Kind);
        Assert.Equal(TimeSpan.FromSeconds(7), failure.RetryAfter);
    }

    [Fact]
    public void Classify_RateLimitWithoutAnyHint_HasNoRetryAfter()
    {
        var failure = Classify(429, RateLimitBody(string.Empty));

        Assert.Equal(LlmFailureKind.RateLimited, failure.Kind);
        Assert.Null(failure.RetryAfter);
    }

    [Fact]
    public void Classify_BadRequestMentioningRetry_IgnoresHint()
    {
        const string Body = """{"error":{"message":"Invalid 'tools': retry after 5 seconds makes no sense","type":"invalid_request_error","param":null,"code":null}}""";

        Assert.Null(Classify(400, Body).RetryAfter);
    }

    [Fact]
    public void Classify_ErrorNeverCarriesProviderText()
    {
        var failure = Classify(401, """{"error":{"message":"Incorrect API key provided: sk-secret-value.","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}""");

        Assert.DoesNotContain("sk-secret", failure.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("sk-secret", new LlmProviderException(failure.Kind, "openai", failure.StatusCode, failure.RetryAfter, failure.ErrorCode).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Classify_WrappedInAnotherException_FindsClientResult()
    {
        var wrapped = new InvalidOperationException("outer", TestPipelineResponse.Exception(503, "{}"));

        Assert.Equal(LlmFailureKind.ServerError, new OpenAIFailureClassifier().Classify(wrapped)?.Kind);
    }

    [Fact]
    public void Classify_TransportErrorWithoutResponse_LeavesItToSharedRules()
    {
        var refused = new ClientResultException("connection refused", response: null, new HttpRequestException("refused", new SocketException((int)SocketError.ConnectionRefused)));
        var classifier = new OpenAIFailureClassifier();

        Assert.Null(classifier.Classify(refused));
        Assert.Equal(LlmFailureKind.Transport, LlmFailureClassifier.Classify(refused).Kind);
    }

    [Fact]
    public void Classify_OtherException_ReturnsNull()
    {
        Assert.Null(new OpenAIFailureClassifier().Classify(new InvalidOperationException("x")));
    }

    [Fact]
    public void Classify_Null_Throws()
    {
        Assert.Throws<ArgumentNullException>(() => new OpenAIFailureClassifier().Classify(null!));
    }

    private static string RateLimitBody(string hint) =>
        $$$"""{"error":{"message":"Rate limit reached for gpt-4o-mini in organization org-test on requests per min (RPM): Limit 3, Used 3, Requested 1.{{{hint}}}","type":"requests","param":null,"code":"rate_limit_exceeded"}}""";
}
