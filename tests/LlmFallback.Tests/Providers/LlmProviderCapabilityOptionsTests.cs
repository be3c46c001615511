namespace LlmFallback.Tests.Providers;

public class LlmProviderCapabilityOptionsTests
{
    [Fact]
    public void Constructor_Defaults_AreAllUnset()
    {
        var options = new LlmProviderCapabilityOptions();

        Assert.Null(options.ContextWindow);
        Assert.Null(options.MaxOutputTokens);
        Assert.Null(options.Tools);
        Assert.Null(options.Vision);
        Assert.Null(options.JsonSchema);
        Assert.Null(options.PrefillContinuation);
    }

    [Fact]
    public void Resolve_Unset_TakesTheLibraryDefaults()
    {
        var resolved = new LlmProviderCapabilityOptions().Resolve();
        var defaults = new LlmProviderCapabilities();

        Assert.Equal(defaults.ContextWindow, resolved.ContextWindow);
        Assert.Equal(defaults.MaxOutputTokens, resolved.MaxOutputTokens);
        Assert.Equal(defaults.Tools, resolved.Tools);
        Assert.Equal(defaults.Vision, resolved.Vision);
        Assert.Equal(defaults.JsonSchema, resolved.JsonSchema);
        Assert.Equal(defaults.PrefillContinuation, resolved.PrefillContinuation);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Resolve_ExplicitValues_Win(bool value)
    {
        var resolved = new LlmProviderCapabilityOptions
        {
            ContextWindow = 8192,
            MaxOutputTokens = 1024,
            Tools = value,
            Vision = value,
            JsonSchema = value,
            PrefillContinuation = value,
        }.Resolve();

        Assert.Equal(8192, resolved.ContextWindow);
        Assert.Equal(1024, resolved.MaxOutputTokens);
        Assert.Equal(value, resolved.Tools);
        Assert.Equal(value, resolved.Vision);
        Assert.Equal(value, resolved.JsonSchema);
        Assert.Equal(value, resolved.PrefillContinuation);
    }

    [Fact]
    public void Provider_ExplicitFalseInCode_IsWhatTheProviderExposes()
    {
        var provider = new LlmProvider("p", new TestChatClient(), new LlmProviderOptions { Capabilities = { Tools = false, PrefillContinuation = false } });

        Assert.False(provider.Capabilities.Tools);
        Assert.False(provider.Capabilities.PrefillContinuation);
    }
}
