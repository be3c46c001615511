namespace LlmFallback.Tests.Providers;

public class LlmModelPricingTests
{
    [Fact]
    public void Constructor_Defaults_AreUnknown()
    {
        var pricing = new LlmModelPricing();

        Assert.Null(pricing.InputPerMillionTokens);
        Assert.Null(pricing.OutputPerMillionTokens);
        Assert.Null(pricing.CachedInputPerMillionTokens);
    }
}
