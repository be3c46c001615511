using LlmFallback.Testing;

namespace LlmFallback.Tests.Fallback;

/// <summary>Failures that retrying cannot fix: context length, content policy, bad requests.</summary>
public sealed class FallbackChatClientFailureClassTests
{
    private static CancellationToken Ct => FallbackFixture.Ct;

    private static ScriptStep ContextTooLong => Script.Status(400, errorCode: "context_length_exceeded");

    [Fact]
    public async Task GetResponseAsync_ContextLengthExceeded_NoRetrySkipsSmallerWindowsAndUsesLargerOne()
    {
        var f = new FallbackFixture();
        var small = f.Always(ContextTooLong);
        var smaller = f.Always(Script.Answer("from smaller"));
        var equal = f.Always(Script.Answer("from equal"));
        var large = f.Always(Script.Answer("from large"));
        using var client = f.Client(
        [
            f.Provider("small", small, o => (o.Capabilities.ContextWindow, o.Resilience.MaxRetries) = (8_000, 2)),
            f.Provider("smaller", smaller, o => o.Capabilities.ContextWindow = 4_000),
            f.Provider("equal", equal, o => o.Capabilities.ContextWindow = 8_000),
            f.Provider("large", large, o => o.Capabilities.ContextWindow = 128_000),
        ]);

        var response = await client.GetResponseAsync("a long prompt", cancellationToken: Ct);

        Assert.Equal("from large", response.Text);
        Assert.Equal((1, 0, 0, 1), (small.CallCount, smaller.CallCount, equal.CallCount, large.CallCount));
        var info = response.GetLlmCallInfo()!;
        Assert.Equal(LlmFailureKind.ContextLengthExceeded, info.FallbackReason);
        Assert.Equal(2, info.AttemptCount);
        Assert.Equal(
            [("small", LlmAttemptDecision.FailedOver), ("smaller", LlmAttemptDecision.Skipped), ("equal", LlmAttemptDecision.Skipped), ("large", LlmAttemptDecision.Answered)],
            info.Attempts.Select(a => (a.Provider, a.Decision)));
        Assert.Equal("context_window_too_small", info.Attempts[1].Failure!.ErrorCode);
    }

    [Fact]
    public async Task GetResponseAsync_ContextLengthExceededAndNoLargerWindow_ThrowsContextLengthProviderException()
    {
        var f = new FallbackFixture();
        var primary = f.Always(ContextTooLong);
        var secondary = f.Always(Script.Answer("from b"));
        var unknown = f.Always(Script.Answer("from unknown"));
        using var client = f.Client(
        [
            f.Provider("a", primary, o => o.Capabilities.ContextWindow = 32_000),
            f.Provider("b", secondary, o => o.Capabilities.ContextWindow = 16_000),
            f.Provider("unknown", unknown),
        ]);

        var error = await Assert.ThrowsAsync<LlmProviderException>(() => client.GetResponseAsync("a long prompt", cancellationToken: Ct));

        Assert.Equal(LlmFailureKind.ContextLengthExceeded, error.Kind);
        Assert.Equal("a", error.Provider);
        Assert.Equal(400, error.StatusCode);
        Assert.Equal((1, 0, 0), (primary.CallCount, secondary.CallCount, unknown.CallCount));
        Assert.Equal(LlmAttemptDecision.Surfaced, error.Attempts[0].Decision);
        Assert.Equal(3, error.Attempts.Count);
    }

    [Fact]
    public async Task GetResponseAsync_ContextLengthExceededAndExplicitContextFallback_TriesThatProvider()
    {
        var f = new FallbackFixture();
        var primary = f.Always(ContextTooLong);
        var summariser = f.Always(Script.Answer("from summariser"));
        var options = FallbackFixture.Options(o => o.ContextWindowFallbacks = ["summariser"]);
        using var client = f.Client(
            [f.Provider("a", primary, o => o.Capabilities.ContextWindow = 32_000), f.Provider("summariser", summariser, o => o.Capabilities.ContextWindow = 8_000)],
            options);

        var response = await client.GetResponseAsync("a long prompt", cancellationToken: Ct);

        Assert.Equal("from summariser", response.Text);
        Assert.Equal(1, primary.CallCount);
    }

    [Fact]
    public async Task GetResponseAsync_ContextLengthRecognisedFromErrorText_IsNotRetried()
    {
        var f = new FallbackFixture();
        var primary = f.Always(Script.Throw(() => new LlmProviderException(
            LlmFailureClassifier.FromHttpStatus(400, errorMessage: "This model's maximum context length is 8192 tokens").Kind, statusCode: 400)));
        var secondary = f.Always(Script.Answer("from b"));
        using var client = f.Client(
            [f.Provider("a", primary, o => (o.Capabilities.ContextWindow, o.Resilience.MaxRetries) = (8_192, 2)), f.Provider("b", secondary, o => o.Capabilities.ContextWindow = 200_000)]);

        var response = await client.GetResponseAsync("a long prompt", cancellationToken: Ct);

        Assert.Equal("from b", response.Text);
        Assert.Equal(1, primary.CallCount);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_ContextLengthExceededAndNoLargerWindow_ThrowsContextLengthProviderException()
    {
        var f = new FallbackFixture();
        var primary = f.Always(ContextTooLong);
        var secondary = f.Always(Script.Answer("from b"));
        using var client = f.Client([f.Provider("a", primary, o => o.Capabilities.ContextWindow = 32_000), f.Provider("b", secondary, o => o.Capabilities.ContextWindow = 32_000)]);

        var result = await StreamResult.DrainAsync(client.GetStreamingResponseAsync("a long prompt", cancellationToken: Ct));

        var error = Assert.IsType<LlmProviderException>(result.Error);
        Assert.Equal(LlmFailureKind.ContextLengthExceeded, error.Kind);
        Assert.Empty(result.Updates);
        Assert.Equal(0, secondary.CallCount);
    }

    [Fact]
    public async Task GetResponseAsync_ContentPolicyByDefault_SurfacedWithoutRetryOrFailOver()
    {
        var f = new FallbackFixture();
        var primary = f.Always(Script.Status(400, errorCode: "content_filter"));
        var secondary = f.Always(Script.Answer("from b"));
        var a = f.Provider("a", primary, o => (o.Resilience.MaxRetries, o.Resilience.CircuitBreaker.ConsecutiveFailures) = (2, 1));
        using var client = f.Client([a, f.Provider("b", secondary)]);

        var error = await Assert.ThrowsAsync<LlmProviderException>(() => client.GetResponseAsync("something disallowed", cancellationToken: Ct));

        Assert.Equal(LlmFailureKind.ContentPolicy, error.Kind);
        Assert.Equal("a", error.Provider);
        Assert.Equal("content_filter", error.ErrorCode);
        Assert.Equal((1, 0), (primary.CallCount, secondary.CallCount));
        Assert.Equal(LlmAttemptDecision.Surfaced, Assert.Single(error.Attempts).Decision);

        // A refusal says nothing about the provider's health.
        Assert.Equal(LlmCircuitState.Closed, a.GetHealth().State);
    }

    [Fact]
    public async Task GetResponseAsync_ContentPolicyWithFailOver_TriesNextProviderWithoutRetry()
    {
        var f = new FallbackFixture();
        var primary = f.Always(Script.Status(400, errorCode: "content_filter"));
        var secondary = f.Always(Script.Answer("from b"));
        using var client = f.Client(
            [f.Provider("a", primary, o => o.Resilience.MaxRetries = 2), f.Provider("b", secondary)],
            FallbackFixture.Options(o => o.OnContentPolicy = LlmFailureAction.FailOver));

        var response = await client.GetResponseAsync("borderline", cancellationToken: Ct);

        Assert.Equal("from b", response.Text);
        Assert.Equal(1, primary.CallCount);
        Assert.Equal(LlmFailureKind.ContentPolicy, response.GetLlmCallInfo()!.FallbackReason);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_ContentPolicyBeforeFirstUpdate_SurfacedByDefault()
    {
        var f = new FallbackFixture();
        var primary = f.Always(Script.Status(400, errorCode: "content_policy_violation"));
        var secondary = f.Always(Script.Answer("from b"));
        using var client = f.Client([f.Provider("a", primary), f.Provider("b", secondary)]);

        var result = await StreamResult.DrainAsync(client.GetStreamingResponseAsync("something disallowed", cancellationToken: Ct));

        Assert.Equal(LlmFailureKind.ContentPolicy, Assert.IsType<LlmProviderException>(result.Error).Kind);
        Assert.Equal(0, secondary.CallCount);
    }

    [Fact]
    public async Task GetResponseAsync_BadRequestByDefault_SurfacedAtOnce()
    {
        var f = new FallbackFixture();
        var primary = f.Always(Script.Status(422, errorCode: "invalid_request_error"));
        var secondary = f.Always(Script.Answer("from b"));
        var a = f.Provider("a", primary, o => (o.Resilience.MaxRetries, o.Resilience.CircuitBreaker.ConsecutiveFailures) = (2, 1));
        using var client = f.Client([a, f.Provider("b", secondary)]);

        var error = await Assert.ThrowsAsync<LlmProviderException>(() => client.GetResponseAsync("malformed", cancellationToken: Ct));

        Assert.Equal((LlmFailureKind.BadRequest, 422), (error.Kind, error.StatusCode!.Value));
        Assert.Equal((1, 0), (primary.CallCount, secondary.CallCount));
        Assert.Equal(LlmCircuitState.Closed, a.GetHealth().State);
    }

    [Fact]
    public async Task GetResponseAsync_BadRequestWithFailOver_TriesNextProvider()
    {
        var f = new FallbackFixture();
        var primary = f.Always(Script.Status(400));
        var secondary = f.Always(Script.Answer("from b"));
        using var client = f.Client(
            [f.Provider("a", primary, o => o.Resilience.MaxRetries = 2), f.Provider("b", secondary)],
            FallbackFixture.Options(o => o.OnBadRequest = LlmFailureAction.FailOver));

        var response = await client.GetResponseAsync("odd", cancellationToken: Ct);

        Assert.Equal("from b", response.Text);
        Assert.Equal(1, primary.CallCount);
        Assert.Equal(LlmFailureKind.BadRequest, response.GetLlmCallInfo()!.FallbackReason);
    }
}
