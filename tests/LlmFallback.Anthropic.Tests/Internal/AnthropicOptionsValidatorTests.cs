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

public sealed class AnthropicProviderOptionsValidatorTests
{
    [Fact]
    public void Validate_NoModel_NamesTheKey()
    {
        var validator = new AnthropicProviderOptionsValidator("Llm", _ => null);

        var result = validator.Validate("claude", new LlmProviderOptions { Type = "Anthropic", ApiKey = "k" });

        Assert.Equal("Llm:Providers:claude:Model is required for an Anthropic provider: name a Claude model, such as claude-sonnet-4-5.", Assert.Single(result.Failures!));
    }

    [Fact]
    public void Validate_NoKeyAndNoVariable_NamesBoth()
    {
        var validator = new AnthropicProviderOptionsValidator("Llm", _ => null);

        var result = validator.Validate("claude", new LlmProviderOptions { Type = "anthropic", Model = "claude-haiku-4-5" });

        Assert.Equal(
            "Llm:Providers:claude:ApiKey is not set and the ANTHROPIC_API_KEY environment variable is empty: set one of them (prefer the variable or a secret store to a committed file).",
            Assert.Single(result.Failures!));
    }

    [Fact]
    public void Validate_KeyFromVariable_Succeeds()
    {
        var validator = new AnthropicProviderOptionsValidator("Llm", name => name == "ANTHROPIC_API_KEY" ? "sk-ant-from-env" : null);

        Assert.True(validator.Validate("claude", new LlmProviderOptions { Type = "Anthropic", Model = "claude-haiku-4-5" }).Succeeded);
    }

    [Fact]
    public void Validate_OtherProviderType_Skips()
    {
        var validator = new AnthropicProviderOptionsValidator("Llm", _ => null);

        Assert.True(validator.Validate("gpt", new LlmProviderOptions { Type = "OpenAI" }).Skipped);
    }

    [Fact]
    public void Validate_Failure_NeverEchoesTheKey()
    {
        var validator = new AnthropicProviderOptionsValidator("Llm", _ => null);

        var result = validator.Validate("claude", new LlmProviderOptions { Type = "Anthropic", ApiKey = "sk-ant-secret" });

        Assert.DoesNotContain("sk-ant-secret", result.FailureMessage, StringComparison.Ordinal);
    }
}
