namespace LlmFallback.Tests.RateLimiting;

public sealed class LlmProviderLimitsTests
{
    [Fact]
    public void Constructor_Defaults_AreUnknownAndUnlimited()
    {
        var limits = new LlmProviderLimits();

        Assert.Null(limits.RequestsPerMinute);
        Assert.Null(limits.TokensPerMinute);
        Assert.True(limits.IsEmpty);
    }

    [Fact]
    public void Validate_NotPositive_NamesTheKey()
    {
        var validator = new LlmProviderLimitsValidator([new LlmProviderLimitsRegistration("openai", "Llm:Providers:openai:Limits")]);

        var result = validator.Validate("openai", new LlmProviderLimits { RequestsPerMinute = 0, TokensPerMinute = -1 });

        Assert.Equal(
            ["Llm:Providers:openai:Limits:RequestsPerMinute must be positive (was 0).", "Llm:Providers:openai:Limits:TokensPerMinute must be positive (was -1)."],
            result.Failures);
        Assert.True(validator.Validate("other", new LlmProviderLimits { RequestsPerMinute = 0 }).Skipped);
    }
}
