namespace LlmFallback.Tests.Metering;

public sealed class LlmPricingOptionsTests
{
    [Fact]
    public void Constructor_Defaults_AreEmptyAndCaseInsensitive()
    {
        var options = new LlmPricingOptions();
        options.Models["GPT-4o"] = new LlmModelPricing();

        Assert.True(options.Models.ContainsKey("gpt-4o"));
    }

    [Fact]
    public void Validate_UnknownModelWithoutOutputPrice_NamesTheKey()
    {
        var options = new LlmPricingOptions();
        options.Models["my-model"] = new LlmModelPricing { InputPerMillionTokens = 1m };

        var result = new LlmPricingOptionsValidator("Llm:Pricing").Validate(null, options);

        Assert.Equal("Llm:Pricing:my-model is not in the price catalogue, so it needs both InputPerMillionTokens and OutputPerMillionTokens.", result.FailureMessage);
    }

    [Fact]
    public void Validate_NegativePrice_NamesTheKey()
    {
        var options = new LlmPricingOptions();
        options.Models["gpt-4o"] = new LlmModelPricing { CachedInputPerMillionTokens = -0.5m };

        var result = new LlmPricingOptionsValidator("Llm:Pricing").Validate(null, options);

        Assert.Equal("Llm:Pricing:gpt-4o:CachedInputPerMillionTokens must not be negative (was -0.5).", result.FailureMessage);
    }
}
