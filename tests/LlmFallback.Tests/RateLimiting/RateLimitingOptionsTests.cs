namespace LlmFallback.Tests.RateLimiting;

public sealed class RateLimitingOptionsTests
{
    [Fact]
    public void Constructor_Defaults_NoLimits()
    {
        var options = new RateLimitingOptions();

        Assert.True(options.PerUser.IsEmpty && options.PerTenant.IsEmpty && options.PerApiKey.IsEmpty);
        Assert.Null(options.PerUser.RequestsPerMinute);
        Assert.Null(options.PerUser.TokensPerMinute);
        Assert.Empty(options.PerTenant.Overrides);
    }

    [Fact]
    public void Validate_BadValues_NameEveryKey()
    {
        var options = new RateLimitingOptions { PerApiKey = { TokensPerMinute = -5 } };
        options.PerTenant.Overrides["t"] = new LlmRateLimit { RequestsPerMinute = 0 };
        options.PerTenant.Overrides["t"].Overrides["x"] = new LlmRateLimit();

        var result = new RateLimitingOptionsValidator("Llm:RateLimiting").Validate(null, options);

        Assert.Equal(
            [
                "Llm:RateLimiting:PerTenant:Overrides:t:RequestsPerMinute must be positive (was 0).",
                "Llm:RateLimiting:PerTenant:Overrides:t:Overrides is not used inside an override; move it up one level.",
                "Llm:RateLimiting:PerApiKey:TokensPerMinute must be positive (was -5).",
            ],
            result.Failures);
    }
}
