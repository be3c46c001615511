namespace LlmFallback.Tests.Providers;

public class LlmProviderCapabilitiesTests
{
    [Fact]
    public void Constructor_Defaults_AreDocumentedValues()
    {
        var capabilities = new LlmProviderCapabilities();

        Assert.Null(capabilities.ContextWindow);
        Assert.Null(capabilities.MaxOutputTokens);
        Assert.True(capabilities.Tools);
        Assert.False(capabilities.Vision);
        Assert.False(capabilities.JsonSchema);
        Assert.False(capabilities.PrefillContinuation);
    }
}
