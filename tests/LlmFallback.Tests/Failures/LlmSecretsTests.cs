using System.Net;

namespace LlmFallback.Tests.Failures;

public class LlmSecretsTests
{
    private const string Key = "my-plain-k3y-value";

    [Theory]
    [InlineData("Incorrect API key provided: sk-proj-4f9c2b7e1a8d6e3c5b0a97. You can find your API key at https://platform.example/keys.", "sk-proj-4f9c2b7e1a8d6e3c5b0a97")]
    [InlineData("invalid x-api-key sk-ant-api03-AbCdEf0123456789", "sk-ant-api03-AbCdEf0123456789")]
    [InlineData("Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl")]
    [InlineData("API key not valid: AIzaSyD3x4mpl3K3yV4lu3F0rT3st1ng0nly", "AIzaSyD3x4mpl3K3yV4lu3F0rT3st1ng0nly")]
    [InlineData("x-api-key: 0123-abcd-4567-efgh", "0123-abcd-4567-efgh")]
    [InlineData("{\"api-key\": \"a1b2c3d4\"}", "a1b2c3d4")]
    [InlineData("Headers: x-goog-api-key=zzTopSecret9", "zzTopSecret9")]
    [InlineData("The key 'f3a9c1e7b2d84a6f9e0c5b7d1a3e8f24' was revoked.", "f3a9c1e7b2d84a6f9e0c5b7d1a3e8f24")]
    [InlineData("Incorrect API key provided: 9f8e7d6c5b4a39281706f5e4d3c2b1a0.", "9f8e7d6c5b4a39281706f5e4d3c2b1a0")]
    [InlineData("AUTHORIZATION: BEARER eyJhbGciOiJIUzI1NiJ9.c2lnbmF0dXJl", "eyJhbGciOiJIUzI1NiJ9.c2lnbmF0dXJl")]
    [InlineData("X-API-KEY=Zz0123456789", "Zz0123456789")]
    [InlineData("api-\u212Aey: Zz0123456789", "Zz0123456789")] // the Kelvin sign is a "k" to the case-insensitive patterns
    [InlineData("the \u212AEY 'f3a9c1e7b2d84a6f9e0c5b7d1a3e8f24' was revoked", "f3a9c1e7b2d84a6f9e0c5b7d1a3e8f24")]
    public void Scrub_CredentialShapedText_IsRemoved(string text, string secret)
    {
        var scrubbed = LlmSecrets.Scrub(text);

        Assert.DoesNotContain(secret, scrubbed, StringComparison.Ordinal);
        Assert.Contains(LlmSecrets.Redacted, scrubbed, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("The model `gpt-4o` does not exist or you do not have access to it.")]
    [InlineData("This model's maximum context length is 128000 tokens. Please reduce the length of the messages.")]
    [InlineData("API key not valid. Please pass a valid API key.")]
    [InlineData("Rate limit reached for requests. Please try again in 1.2s.")]
    [InlineData("request_id: req_abc, type: invalid_request_error")]
    [InlineData("503")]
    [InlineData("Response status code does not indicate success: 503 (Service Unavailable).")]
    public void Scrub_OrdinaryProviderText_IsUnchangedAndTheSameInstance(string text) =>
        Assert.Same(text, LlmSecrets.Scrub(text));

    [Fact]
    public void Scrub_KnownSecret_IsRemovedWhateverItsShape()
    {
        var scrubbed = LlmSecrets.Scrub($"echo: {Key} and again {Key}!", null, "short", Key);

        Assert.Equal($"echo: {LlmSecrets.Redacted} and again {LlmSecrets.Redacted}!", scrubbed);
    }

    [Fact]
    public void Scrub_ShortKnownSecret_IsNotLookedFor()
    {
        Assert.Equal("a key of k", LlmSecrets.Scrub("a key of k", "k"));
    }

    [Fact]
    public void Scrub_Exception_CopiesTheWholeChainWithoutSecretsOrTheOriginals()
    {
        var original = new InvalidOperationException($"Service request failed. Status: 401. Content: Incorrect API key provided: Bearer {Key}", new HttpRequestException($"header x-echo: {Key}"));
        original.Data["echo"] = Key;

        var copy = LlmSecrets.Scrub(original, Key);

        AssertNoSecret(copy, Key);
        Assert.NotSame(original, copy);
        Assert.NotSame(original.InnerException, copy.InnerException);
        Assert.StartsWith("System.InvalidOperationException (credentials removed): Service request failed.", copy.ToString(), StringComparison.Ordinal);
        Assert.Contains("System.Net.Http.HttpRequestException (credentials removed): header x-echo: [REDACTED]", copy.ToString(), StringComparison.Ordinal);
        Assert.Empty(copy.Data);
        Assert.Same(copy, LlmSecrets.Scrub(copy, Key));
    }

    [Fact]
    public void Scrub_ProviderException_StaysOneWithTheSameFacts()
    {
        var original = new LlmProviderException(LlmFailureKind.RateLimited, "p", 429, TimeSpan.FromSeconds(2), "rate_limit_exceeded", new InvalidOperationException("key " + Key));

        var copy = Assert.IsType<LlmProviderException>(LlmSecrets.Scrub(original, Key));

        Assert.Equal((LlmFailureKind.RateLimited, "p", 429, TimeSpan.FromSeconds(2), "rate_limit_exceeded"), (copy.Kind, copy.Provider, copy.StatusCode, copy.RetryAfter, copy.ErrorCode));
        AssertNoSecret(copy, Key);
        Assert.Equal(LlmFailureClassifier.Classify(original).Kind, LlmFailureClassifier.Classify(copy).Kind);
    }

    [Fact]
    public void Scrub_ProviderExceptionWhoseCodeIsACredential_DropsTheCode()
    {
        var copy = Assert.IsType<LlmProviderException>(LlmSecrets.Scrub(new LlmProviderException(LlmFailureKind.Authentication, "p", 401, errorCode: "sk-live-0123456789abcdef")));

        Assert.Null(copy.ErrorCode);
        Assert.Equal(LlmFailureKind.Authentication, copy.Kind);
    }

    [Fact]
    public void Sanitize_RecognisedByTheClassifier_IsAProviderExceptionWithTheFactsAndAScrubbedCopy()
    {
        var original = new HttpRequestException($"401 Bearer {Key}", null, HttpStatusCode.Unauthorized);
        var classifier = new FixedClassifier(new LlmFailure(LlmFailureKind.Authentication, 401, TimeSpan.FromSeconds(1), "invalid_api_key", original));

        var ex = Assert.IsType<LlmProviderException>(LlmSecrets.Sanitize(original, classifier, "p", Key));

        Assert.Equal((LlmFailureKind.Authentication, "p", 401, TimeSpan.FromSeconds(1), "invalid_api_key"), (ex.Kind, ex.Provider, ex.StatusCode, ex.RetryAfter, ex.ErrorCode));
        Assert.NotSame(original, ex.InnerException);
        AssertNoSecret(ex, Key);
    }

    [Fact]
    public void Sanitize_UnrecognisedWithoutSecrets_IsReturnedAsItIs()
    {
        var original = new HttpRequestException("Connection refused", new System.Net.Sockets.SocketException(111));

        Assert.Same(original, LlmSecrets.Sanitize(original, new FixedClassifier(null), "p", Key));
    }

    [Fact]
    public void Sanitize_UnrecognisedHoldingASecret_IsWrappedWithTheSharedRulesFacts()
    {
        var original = new IOException("reset while sending x-api-key: " + Key);

        var ex = Assert.IsType<LlmProviderException>(LlmSecrets.Sanitize(original, classifier: null, "p", Key));

        Assert.Equal(LlmFailureKind.Transport, ex.Kind);
        AssertNoSecret(ex, Key);
    }

    [Fact]
    public void Sanitize_Cancellation_IsReturnedAsItIs()
    {
        var cancelled = new OperationCanceledException("canceled " + Key);

        Assert.Same(cancelled, LlmSecrets.Sanitize(cancelled, new FixedClassifier(new LlmFailure(LlmFailureKind.Timeout)), "p", Key));
    }

    [Fact]
    public void PublicEntryPoints_NullArguments_Throw()
    {
        Assert.Throws<ArgumentNullException>("text", () => LlmSecrets.Scrub((string)null!));
        Assert.Throws<ArgumentNullException>("exception", () => LlmSecrets.Scrub((Exception)null!));
        Assert.Throws<ArgumentNullException>("exception", () => LlmSecrets.Sanitize(null!, null, null));
    }

    /// <summary>Asserts that the secret appears nowhere: the text of the whole chain (messages and stack traces), and no data is kept.</summary>
    internal static void AssertNoSecret(Exception exception, string secret)
    {
        Assert.DoesNotContain(secret, exception.ToString(), StringComparison.Ordinal);
        Assert.Empty(exception.Data);
        Assert.True(exception.InnerException is null || exception.InnerException.Data.Count == 0);
    }

    private sealed class FixedClassifier(LlmFailure? failure) : ILlmFailureClassifier
    {
        public LlmFailure? Classify(Exception exception) => failure;
    }

    [Fact]
    public void ScrubIfNeeded_MessageBuiltOnEveryRead_NoSecret_ReturnsTheSameInstance()
    {
        // ArgumentOutOfRangeException builds its message anew on each read.
        var ex = new ArgumentOutOfRangeException("options", 9223372036854775807L, "ChatOptions.Seed must be between -2147483648 and 2147483647.");

        Assert.Same(ex, LlmSecrets.ScrubIfNeeded(ex));
        Assert.Same(ex, LlmSecrets.Sanitize(ex, null, "p"));
    }
}
