namespace LlmFallback.Tests.Fallback;

public class FallbackOptionsTests
{
    [Fact]
    public void Constructor_Defaults_AreDocumentedValues()
    {
        var options = new FallbackOptions();

        Assert.Empty(options.Chain);
        Assert.Equal(6, options.MaxAttemptsPerRequest);
        Assert.Equal(LlmFailureAction.Surface, options.OnContentPolicy);
        Assert.Equal(LlmFailureAction.Surface, options.OnBadRequest);
        Assert.Empty(options.ContextWindowFallbacks);
        Assert.NotNull(options.Streaming);
    }
}
