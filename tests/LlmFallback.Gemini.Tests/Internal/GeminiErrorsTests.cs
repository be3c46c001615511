using System.Text;

namespace LlmFallback.Gemini.Tests;

public partial class GeminiErrorsTests
{
    private static LlmProviderException Classify(int status, string body, TimeSpan? header = null) =>
        GeminiErrors.Create(status, GeminiErrors.Parse(Encoding.UTF8.GetBytes(body)), header, "gem", "test-api-key");

    public static TheoryData<int, string, LlmFailureKind, string?> RealBodies => new()
    {
        { 429, GeminiWireJson.Error(429, "RESOURCE_EXHAUSTED", GeminiWireJson.QuotaMessage, GeminiWireJson.QuotaFailure("GenerateRequestsPerMinutePerProjectPerModel-FreeTier"), GeminiWireJson.RetryInfo("2s")), LlmFailureKind.RateLimited, "RESOURCE_EXHAUSTED" },
        { 429, GeminiWireJson.Error(429, "RESOURCE_EXHAUSTED", GeminiWireJson.QuotaMessage, GeminiWireJson.QuotaFailure("GenerateRequestsPerDayPerProjectPerModel-FreeTier"), GeminiWireJson.RetryInfo("39s")), LlmFailureKind.Authentication, "RESOURCE_EXHAUSTED" },
        { 429, GeminiWireJson.Error(429, "RESOURCE_EXHAUSTED", GeminiWireJson.QuotaMessage + "\n* Quota exceeded for metric: generativelanguage.googleapis.com/generate_content_free_tier_requests, limit: 0, model: gemini-3-pro", GeminiWireJson.Help()), LlmFailureKind.Authentication, "RESOURCE_EXHAUSTED" },
        { 429, GeminiWireJson.Error(429, "RESOURCE_EXHAUSTED", "Resource has been exhausted (e.g. check quota)."), LlmFailureKind.RateLimited, "RESOURCE_EXHAUSTED" },
        { 503, GeminiWireJson.Error(503, "UNAVAILABLE", GeminiWireJson.OverloadedMessage), LlmFailureKind.ServerError, "UNAVAILABLE" },
        { 500, GeminiWireJson.Error(500, "INTERNAL", GeminiWireJson.InternalMessage), LlmFailureKind.ServerError, "INTERNAL" },
        { 504, GeminiWireJson.Error(504, "DEADLINE_EXCEEDED", GeminiWireJson.DeadlineMessage), LlmFailureKind.Timeout, "DEADLINE_EXCEEDED" },
        { 400, GeminiWireJson.Error(400, "INVALID_ARGUMENT", GeminiWireJson.ContextLengthMessage), LlmFailureKind.ContextLengthExceeded, "INVALID_ARGUMENT" },
        { 400, GeminiWireJson.Error(400, "INVALID_ARGUMENT", GeminiWireJson.BadRequestMessage), LlmFailureKind.BadRequest, "INVALID_ARGUMENT" },
        { 400, GeminiWireJson.Error(400, "INVALID_ARGUMENT", GeminiWireJson.ApiKeyInvalidMessage, GeminiWireJson.ErrorInfo("API_KEY_INVALID")), LlmFailureKind.Authentication, "API_KEY_INVALID" },
        { 400, GeminiWireJson.Error(400, "FAILED_PRECONDITION", GeminiWireJson.LocationMessage), LlmFailureKind.Authentication, "FAILED_PRECONDITION" },
        { 403, GeminiWireJson.Error(403, "PERMISSION_DENIED", GeminiWireJson.PermissionDeniedMessage), LlmFailureKind.Authentication, "PERMISSION_DENIED" },
        { 401, GeminiWireJson.Error(401, "UNAUTHENTICATED", "Request had invalid authentication credentials."), LlmFailureKind.Authentication, "UNAUTHENTICATED" },
        { 404, GeminiWireJson.Error(404, "NOT_FOUND", GeminiWireJson.NotFoundMessage), LlmFailureKind.ModelNotFound, "NOT_FOUND" },
        { 502, "<html><body>Bad Gateway</body></html>", LlmFailureKind.ServerError, null },
        { 429, string.Empty, LlmFailureKind.RateLimited, null },
    };

    [Theory]
    [MemberData(nameof(RealBodies))]
    public void Create_RealErrorBody_ClassifiesKindAndCode(int status, string body, LlmFailureKind kind, string? code)
    {
        LlmProviderException ex;
        try
        {
            ex = Classify(status, body);
        }
        catch (System.Text.Json.JsonException)
        {
            // Non-JSON bodies never reach Create in the client (it catches the parse error); classify by status.
            ex = GeminiErrors.Create(status, null, null, "gem", "test-api-key");
        }

        Assert.Equal(kind, ex.Kind);
        Assert.Equal(status, ex.StatusCode);
        Assert.Equal(code, ex.ErrorCode);
        Assert.Equal("gem", ex.Provider);
    }

    [Fact]
    public void Create_RetryInfo_BecomesRetryAfter()
    {
        var ex = Classify(429, GeminiWireJson.Error(429, "RESOURCE_EXHAUSTED", GeminiWireJson.QuotaMessage, GeminiWireJson.RetryInfo("1.5s")));

        Assert.Equal(TimeSpan.FromSeconds(1.5), ex.RetryAfter);
    }

    [Fact]
    public void Create_RetryInfoAndHeader_HonourTheLongerWait()
    {
        var body = GeminiWireJson.Error(429, "RESOURCE_EXHAUSTED", GeminiWireJson.QuotaMessage, GeminiWireJson.RetryInfo("2s"));

        Assert.Equal(TimeSpan.FromSeconds(5), Classify(429, body, TimeSpan.FromSeconds(5)).RetryAfter);
        Assert.Equal(TimeSpan.FromSeconds(2), Classify(429, body, TimeSpan.FromSeconds(1)).RetryAfter);
        Assert.Equal(TimeSpan.FromSeconds(3), GeminiErrors.Create(429, null, TimeSpan.FromSeconds(3), "gem", "test-api-key").RetryAfter);
    }

    [Fact]
    public void Create_ProviderText_StaysOutOfTheMessageAndInTheInnerException()
    {
        var ex = Classify(400, GeminiWireJson.Error(400, "INVALID_ARGUMENT", GeminiWireJson.ContextLengthMessage));

        Assert.DoesNotContain("input token count", ex.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("gem", ex.Message, StringComparison.Ordinal);
        Assert.Equal(GeminiWireJson.ContextLengthMessage, ex.InnerException!.Message);
    }

    [Fact]
    public void Parse_ArrayWrappedError_ReadsTheFirst()
    {
        var body = "[" + GeminiWireJson.Error(400, "INVALID_ARGUMENT", "Requests ending with a model turn are not supported.") + "]";

        var error = GeminiErrors.Parse(Encoding.UTF8.GetBytes(body))!;

        Assert.Equal(400, error.Code);
        Assert.Equal("INVALID_ARGUMENT", error.Status);
    }

    [Fact]
    public void Parse_EmptyBody_IsNull()
    {
        Assert.Null(GeminiErrors.Parse("  \r\n"u8));
    }

    [Fact]
    public void Blocked_Reason_IsContentPolicyWithTheReasonAsCodeAndTheResponseStatus()
    {
        var ex = GeminiErrors.Blocked("PROHIBITED_CONTENT", "gem");

        Assert.Equal(LlmFailureKind.ContentPolicy, ex.Kind);
        Assert.Equal("PROHIBITED_CONTENT", ex.ErrorCode);
        Assert.Equal(200, ex.StatusCode);
    }
}
