namespace LlmFallback.Gemini.Tests;

public class GeminiModelsTests
{
    [Theory]
    [InlineData("gemini-2.5-pro", 1_048_576, 65_536)]
    [InlineData("gemini-2.5-flash", 1_048_576, 65_536)]
    [InlineData("models/gemini-2.5-flash-lite", 1_048_576, 65_536)]
    [InlineData("gemini-3-pro-preview", 1_048_576, 65_536)]
    [InlineData("gemini-flash-latest", 1_048_576, 65_536)]
    [InlineData("gemini-2.0-flash", 1_048_576, 8_192)]
    [InlineData("gemini-2.0-flash-lite", 1_048_576, 8_192)]
    [InlineData("gemini-1.5-pro-002", 2_097_152, 8_192)]
    [InlineData("gemini-1.5-flash", 1_048_576, 8_192)]
    public void TryGetLimits_KnownModel_ReturnsItsLimits(string model, int contextWindow, int maxOutput)
    {
        Assert.True(GeminiModels.TryGetLimits(model, out var window, out var output));
        Assert.Equal(contextWindow, window);
        Assert.Equal(maxOutput, output);
    }

    [Theory]
    [InlineData("gemini-2.5-flash-image")]
    [InlineData("gemini-2.5-flash-preview-tts")]
    [InlineData("gemini-live-2.5-flash-preview")]
    [InlineData("gemma-3-27b-it")]
    [InlineData("tunedModels/my-model")]
    public void TryGetLimits_UnknownOrSpecialModel_ReturnsFalse(string model)
    {
        Assert.False(GeminiModels.TryGetLimits(model, out _, out _));
    }
}
