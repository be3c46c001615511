namespace LlmFallback.Tests.Metering;

public sealed class CostMeteringOptionsTests
{
    [Fact]
    public void Constructor_Defaults_EstimateAndKeep35Days()
    {
        var options = new CostMeteringOptions();

        Assert.True(options.EstimateMissingUsage);
        Assert.Equal(TimeSpan.FromDays(35), options.LedgerRetention);
    }

    [Fact]
    public void Validate_RetentionTooLong_NamesTheKey()
    {
        var result = new CostMeteringOptionsValidator("Llm:Metering").Validate(null, new CostMeteringOptions { LedgerRetention = TimeSpan.FromDays(500) });

        Assert.True(result.Failed);
        Assert.Equal("Llm:Metering:LedgerRetention must be between 2.00:00:00 and 400.00:00:00 (was 500.00:00:00).", result.FailureMessage);
    }

    [Fact]
    public void Validate_Defaults_Succeed() => Assert.True(new CostMeteringOptionsValidator("Llm:Metering").Validate(null, new CostMeteringOptions()).Succeeded);
}
