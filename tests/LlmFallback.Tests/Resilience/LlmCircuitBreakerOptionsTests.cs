namespace LlmFallback.Tests.Resilience;

public class LlmCircuitBreakerOptionsTests
{
    [Fact]
    public void Constructor_Defaults_AreDocumentedValues()
    {
        var options = new LlmCircuitBreakerOptions();

        Assert.True(options.Enabled);
        Assert.Equal(0.5, options.FailureRatio);
        Assert.Equal(20, options.MinimumThroughput);
        Assert.Equal(TimeSpan.FromSeconds(30), options.SamplingDuration);
        Assert.Equal(15, options.ConsecutiveFailures);
        Assert.Equal(TimeSpan.FromSeconds(15), options.BreakDuration);
        Assert.True(options.BreakDuration <= TimeSpan.FromSeconds(30), "the foundation issue asks for an open duration of at most 30 s by default");
    }
}
