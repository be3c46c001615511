namespace LlmFallback.Tests.Fallback;

public class StreamingFallbackOptionsTests
{
    [Fact]
    public void Constructor_Defaults_AreDocumentedValues()
    {
        var options = new StreamingFallbackOptions();

        Assert.Equal(TimeSpan.FromSeconds(20), options.FirstTokenTimeout);
        Assert.Equal(TimeSpan.FromSeconds(30), options.IdleTimeout);
        Assert.Equal(0, options.HoldbackCharacters);
        Assert.Equal(TimeSpan.Zero, options.HoldbackDuration);
        Assert.False(options.HoldbackUntilComplete);
        Assert.Equal(StreamRescueMode.Continue, options.Rescue);
        Assert.Equal(TimeSpan.FromSeconds(2), options.CompletionGracePeriod);
    }

    [Fact]
    public void Clone_Copy_IsIndependent()
    {
        var options = new StreamingFallbackOptions { HoldbackCharacters = 10 };

        var copy = options.Clone();
        options.HoldbackCharacters = 99;

        Assert.Equal(10, copy.HoldbackCharacters);
    }
}
