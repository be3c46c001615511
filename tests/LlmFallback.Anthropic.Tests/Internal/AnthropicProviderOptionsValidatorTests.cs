namespace LlmFallback.Anthropic.Tests;

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
