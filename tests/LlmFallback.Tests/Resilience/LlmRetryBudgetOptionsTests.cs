namespace LlmFallback.Tests.Resilience;

public class LlmRetryBudgetOptionsTests
{
    [Fact]
    public void Constructor_Defaults_AreDocumentedValues()
    {
        var options = new LlmRetryBudgetOptions();

        Assert.Equal(0.2, options.RetryRatio);
        Assert.Equal(10, options.MinRetriesPerSecond);
        Assert.Equal(TimeSpan.FromSeconds(10), options.Window);
    }
}
