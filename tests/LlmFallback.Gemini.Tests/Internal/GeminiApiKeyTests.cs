namespace LlmFallback.Gemini.Tests;

public class GeminiApiKeyTests
{
    private static Func<string, string?> Env(params (string Name, string Value)[] values) =>
        name => values.FirstOrDefault(v => v.Name == name).Value;

    [Fact]
    public void Resolve_ConfiguredKey_WinsOverEnvironment()
    {
        Assert.Equal("configured", GeminiApiKey.Resolve("configured", Env(("GEMINI_API_KEY", "env"))));
    }

    [Fact]
    public void Resolve_NoConfiguredKey_ReadsGeminiApiKeyFirst()
    {
        Assert.Equal("gemini", GeminiApiKey.Resolve(null, Env(("GEMINI_API_KEY", "gemini"), ("GOOGLE_API_KEY", "google"))));
    }

    [Fact]
    public void Resolve_OnlyGoogleApiKey_IsAccepted()
    {
        Assert.Equal("google", GeminiApiKey.Resolve(" ", Env(("GEMINI_API_KEY", ""), ("GOOGLE_API_KEY", "google"))));
    }

    [Fact]
    public void Resolve_NoKeyAnywhere_ReturnsNull()
    {
        Assert.Null(GeminiApiKey.Resolve(null, Env()));
    }
}
