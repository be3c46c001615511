namespace LlmFallback.Tests.Portability;

public class LlmPortabilityTargetTests
{
    [Fact]
    public void Constructor_NullOrBlankFamily_Throws()
    {
        Assert.Throws<ArgumentNullException>(() => new LlmPortabilityTarget(null!));
        Assert.Throws<ArgumentException>(() => new LlmPortabilityTarget(" "));
    }

    [Fact]
    public void Constructor_Defaults_AcceptEverythingAndAskForNothing()
    {
        var target = new LlmPortabilityTarget("custom");

        Assert.Equal("custom", target.Family);
        Assert.Equal("custom", target.ToString());
        Assert.Null(target.MaxToolCallIdLength);
        Assert.False(target.ToolCallIdsLettersDigitsUnderscoreHyphen);
        Assert.False(target.ReasoningRequiresSignature);
        Assert.Null(target.FunctionCallSignatureKey);
        Assert.Null(target.FunctionCallSignaturePlaceholder);
        Assert.False(target.ToolResultMediaInUserMessage);
    }

    [Fact]
    public void ProviderFamily_Names_AreStable()
    {
        Assert.Equal("openai", LlmProviderFamily.OpenAI);
        Assert.Equal("anthropic", LlmProviderFamily.Anthropic);
        Assert.Equal("gemini", LlmProviderFamily.Gemini);
    }
}
