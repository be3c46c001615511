namespace LlmFallback.Anthropic.Tests;

public sealed class AnthropicProviderOptionsTests
{
    [Fact]
    public void Defaults_AreDocumentedValues()
    {
        var options = new AnthropicProviderOptions();

        Assert.Equal("2023-06-01", options.ApiVersion);
        Assert.Empty(options.Betas);
        Assert.Equal(4096, options.MaxTokens);
        Assert.Equal(AnthropicThinkingMode.Adaptive, options.ThinkingMode);
        Assert.True(options.ApplyModelDefaults);
        Assert.Equal("ANTHROPIC_API_KEY", AnthropicProviderOptions.ApiKeyEnvironmentVariable);
    }
}
