namespace LlmFallback.Gemini.Tests;

public class GeminiOptionsTests
{
    [Fact]
    public void Defaults_AreDocumentedValues()
    {
        var options = new GeminiOptions();

        Assert.Equal("v1beta", options.ApiVersion);
        Assert.Equal(GeminiOptions.DefaultApiVersion, options.ApiVersion);
        Assert.True(options.ThrowOnContentFilter);
        Assert.Empty(options.SafetySettings);
    }
}
