namespace LlmFallback.Tests.RateLimiting;

public sealed class RateLimitedExceptionTests
{
    [Fact]
    public void Constructor_Facts_AreInTheMessageAndProperties()
    {
        var ex = new RateLimitedException(LlmRateLimitScope.Tenant, LlmRateLimitKind.Tokens, 40_000, TimeSpan.FromMilliseconds(1500));

        Assert.Equal("The tenant limit of 40000 tokens per minute is reached; retry after 1.5 s.", ex.Message);
        Assert.Equal((LlmRateLimitScope.Tenant, LlmRateLimitKind.Tokens, 40_000L), (ex.Scope, ex.Kind, ex.PermitLimit));
        Assert.Equal(TimeSpan.FromMilliseconds(1500), ex.RetryAfter);
        Assert.IsAssignableFrom<LlmException>(ex);
    }

    [Fact]
    public void Constructor_NegativeRetryAfter_IsZero() =>
        Assert.Equal(TimeSpan.Zero, new RateLimitedException(LlmRateLimitScope.User, LlmRateLimitKind.Requests, 1, TimeSpan.FromSeconds(-3)).RetryAfter);
}
