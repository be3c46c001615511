namespace LlmFallback.Tests.Fallback;

public class LlmCallInfoTests
{
    [Fact]
    public void AdditionalPropertiesKey_IsStable() =>
        Assert.Equal("llmfallback.call", LlmCallInfo.AdditionalPropertiesKey);

    [Fact]
    public void FirstProviderAnswered_CompactForm_DescribesOneAnsweredAttempt()
    {
        var info = new LlmCallInfo("openai", "gpt-4o", TimeSpan.FromMilliseconds(420));

        Assert.Equal("openai", info.Provider);
        Assert.Equal("gpt-4o", info.ModelId);
        Assert.Equal(1, info.AttemptCount);
        Assert.Null(info.FallbackReason);
        Assert.False(info.IsFallback);
        Assert.False(info.Rescued);
        var attempt = Assert.Single(info.Attempts);
        Assert.Equal("openai", attempt.Provider);
        Assert.Equal("gpt-4o", attempt.ModelId);
        Assert.True(attempt.Succeeded);
        Assert.Equal(TimeSpan.FromMilliseconds(420), attempt.Duration);
        Assert.Equal(LlmAttemptDecision.Answered, attempt.Decision);
        Assert.Same(info.Attempts, info.Attempts);
        Assert.Equal("openai (gpt-4o) answered", info.ToString());
    }

    [Fact]
    public void FallbackAnswered_FullForm_ExposesEveryFact()
    {
        LlmAttempt[] attempts =
        [
            new("openai", "gpt-4o", new LlmFailure(LlmFailureKind.RateLimited, 429), TimeSpan.FromMilliseconds(10), LlmAttemptDecision.Retried),
            new("openai", "gpt-4o", new LlmFailure(LlmFailureKind.RateLimited, 429), TimeSpan.FromMilliseconds(10), LlmAttemptDecision.FailedOver),
            new("azure", null, new LlmFailure(LlmFailureKind.Unavailable), TimeSpan.Zero, LlmAttemptDecision.Skipped),
            new("anthropic", "claude", null, TimeSpan.FromMilliseconds(300), LlmAttemptDecision.Answered),
        ];

        var info = new LlmCallInfo("anthropic", "claude", attempts, 3, LlmFailureKind.RateLimited, rescued: false);

        Assert.Equal("anthropic", info.Provider);
        Assert.Equal("claude", info.ModelId);
        Assert.Equal(3, info.AttemptCount);
        Assert.Equal(LlmFailureKind.RateLimited, info.FallbackReason);
        Assert.True(info.IsFallback);
        Assert.False(info.Rescued);
        Assert.Same(attempts, info.Attempts);
        Assert.Equal("anthropic (claude) answered after 3 attempts; fell back because of RateLimited", info.ToString());
    }

    [Theory]
    [InlineData(LlmFailureKind.RateLimited)]
    [InlineData(LlmFailureKind.Unavailable)]
    [InlineData(LlmFailureKind.ContextLengthExceeded)]
    public void Rescued_WithEachReason_PackedFactsSurvive(LlmFailureKind reason)
    {
        var info = new LlmCallInfo("b", null, [], 100, reason, rescued: true); // MaxAttemptsPerRequest is at most 100

        Assert.Equal(reason, info.FallbackReason);
        Assert.True(info.Rescued);
        Assert.Equal(100, info.AttemptCount);
        Assert.Equal($"b () answered after 100 attempts; fell back because of {reason}; stream rescued", info.ToString());
    }
}
