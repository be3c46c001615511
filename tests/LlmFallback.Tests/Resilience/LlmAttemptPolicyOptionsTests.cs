namespace LlmFallback.Tests.Resilience;

public class LlmAttemptPolicyOptionsTests
{
    [Fact]
    public void Constructor_Defaults_AreDocumentedValues()
    {
        var options = new LlmAttemptPolicyOptions();

        Assert.Equal(2, options.MaxRetries);
        Assert.Equal(TimeSpan.FromSeconds(1), options.BaseDelay);
        Assert.Equal(TimeSpan.FromSeconds(20), options.MaxDelay);
        Assert.Equal(TimeSpan.FromSeconds(10), options.MaxRetryAfter);
        Assert.Equal(TimeSpan.FromSeconds(120), options.AttemptTimeout);
        Assert.Null(options.FirstTokenTimeout);
        Assert.Null(options.IdleTimeout);
        Assert.False(options.RetryOnTimeout);
        Assert.NotNull(options.CircuitBreaker);
    }

    [Fact]
    public void Clone_Copy_IsIndependentIncludingTheBreaker()
    {
        var options = new LlmAttemptPolicyOptions { MaxRetries = 4 };

        var copy = options.Clone();
        options.MaxRetries = 1;
        options.CircuitBreaker.ConsecutiveFailures = 99;

        Assert.Equal(4, copy.MaxRetries);
        Assert.Equal(15, copy.CircuitBreaker.ConsecutiveFailures);
        Assert.NotSame(options.CircuitBreaker, copy.CircuitBreaker);
    }

    [Fact]
    public void Clone_NullBreaker_GetsDefaults()
    {
        var options = new LlmAttemptPolicyOptions { CircuitBreaker = null! };

        Assert.NotNull(options.Clone().CircuitBreaker);
    }
}
