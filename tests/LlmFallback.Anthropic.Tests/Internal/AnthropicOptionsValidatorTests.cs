namespace LlmFallback.Anthropic.Tests;

public sealed class AnthropicOptionsValidatorTests
{
    private readonly AnthropicOptionsValidator _validator = new("Llm");

    [Fact]
    public void Validate_Defaults_Succeeds()
    {
        Assert.True(_validator.Validate("claude", new AnthropicProviderOptions()).Succeeded);
    }

    [Theory]
    [InlineData("2023-6-1")]
    [InlineData("latest")]
    [InlineData("")]
    public void Validate_BadApiVersion_NamesTheKey(string version)
    {
        var result = _validator.Validate("claude", new AnthropicProviderOptions { ApiVersion = version });

        Assert.Equal($"Llm:Providers:claude:ApiVersion must be a Messages API version date such as 2023-06-01 (was '{version}').", Assert.Single(result.Failures!));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1_000_001)]
    public void Validate_MaxTokensOutOfRange_NamesTheKey(int maxTokens)
    {
        var result = _validator.Validate("claude", new AnthropicProviderOptions { MaxTokens = maxTokens });

        Assert.Equal($"Llm:Providers:claude:MaxTokens must be between 1 and 1000000 (was {maxTokens}).", Assert.Single(result.Failures!));
    }

    [Fact]
    public void Validate_BadBeta_NamesItsIndex()
    {
        var result = _validator.Validate("claude", new AnthropicProviderOptions { Betas = ["files-api-2025-04-14", "a,b"] });

        Assert.Equal("Llm:Providers:claude:Betas:1 must name one beta feature, such as files-api-2025-04-14, without spaces or commas.", Assert.Single(result.Failures!));
    }

    [Fact]
    public void Validate_UndefinedThinkingMode_NamesTheKey()
    {
        var result = _validator.Validate("claude", new AnthropicProviderOptions { ThinkingMode = (AnthropicThinkingMode)7 });

        Assert.Equal("Llm:Providers:claude:ThinkingMode has an unknown value '7'; expected Adaptive or Extended.", Assert.Single(result.Failures!));
    }

    [Fact]
    public void Validate_UnnamedOptions_Skips()
    {
        Assert.True(_validator.Validate(null, new AnthropicProviderOptions { MaxTokens = 0 }).Skipped);
    }
}
