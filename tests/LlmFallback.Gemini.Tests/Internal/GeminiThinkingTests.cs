namespace LlmFallback.Gemini.Tests;

public class GeminiThinkingTests
{
    [Theory]
    [InlineData("gemini-3-flash-preview", ReasoningEffort.None, "minimal")]
    [InlineData("gemini-3-flash-preview", ReasoningEffort.Low, "low")]
    [InlineData("gemini-3-flash-preview", ReasoningEffort.Medium, "medium")]
    [InlineData("gemini-3-flash-preview", ReasoningEffort.High, "high")]
    [InlineData("models/gemini-3.1-flash-lite", ReasoningEffort.ExtraHigh, "high")]
    [InlineData("gemini-3-pro-preview", ReasoningEffort.None, "low")]
    [InlineData("gemini-3-pro-preview", ReasoningEffort.Medium, "high")]
    public void TryApply_Gemini3_SetsTheThinkingLevel(string model, ReasoningEffort effort, string level)
    {
        var config = new GeminiThinkingConfig();

        Assert.True(GeminiThinking.TryApply(model, effort, config));
        Assert.Equal(level, config.ThinkingLevel);
        Assert.Null(config.ThinkingBudget);
    }

    [Theory]
    [InlineData("gemini-2.5-flash", ReasoningEffort.None, 0)]
    [InlineData("gemini-2.5-flash-lite", ReasoningEffort.Low, 1024)]
    [InlineData("gemini-2.5-flash", ReasoningEffort.Medium, 8192)]
    [InlineData("gemini-2.5-flash", ReasoningEffort.ExtraHigh, 24576)]
    [InlineData("gemini-2.5-pro", ReasoningEffort.None, 128)]
    [InlineData("gemini-2.5-pro", ReasoningEffort.High, 24576)]
    [InlineData("gemini-2.5-pro", ReasoningEffort.ExtraHigh, 32768)]
    public void TryApply_Gemini25_SetsTheThinkingBudget(string model, ReasoningEffort effort, int budget)
    {
        var config = new GeminiThinkingConfig();

        Assert.True(GeminiThinking.TryApply(model, effort, config));
        Assert.Equal(budget, config.ThinkingBudget);
        Assert.Null(config.ThinkingLevel);
    }

    [Theory]
    [InlineData("gemini-2.0-flash")]
    [InlineData("tunedModels/my-model")]
    public void TryApply_ModelWithoutKnownThinkingControl_ReturnsFalse(string model) =>
        Assert.False(GeminiThinking.TryApply(model, ReasoningEffort.High, new GeminiThinkingConfig()));
}
