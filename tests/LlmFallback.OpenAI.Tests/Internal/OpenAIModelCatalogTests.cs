namespace LlmFallback.OpenAI.Tests.Internal;

public class OpenAIModelCatalogTests
{
    [Theory]
    [InlineData("gpt-4o", "gpt-4o")]
    [InlineData("GPT-4o-2024-08-06", "gpt-4o")]
    [InlineData("gpt-4o-mini", "gpt-4o-mini")]
    [InlineData("gpt-4o-mini-2024-07-18", "gpt-4o-mini")]
    [InlineData("gpt-4.1-nano-2025-04-14", "gpt-4.1-nano")]
    [InlineData("openai/gpt-5-mini", "gpt-5-mini")]
    [InlineData("gpt-4-turbo-2024-04-09", "gpt-4-turbo")]
    [InlineData("o3-mini-2025-01-31", "o3-mini")]
    [InlineData("deepseek-chat", "deepseek-chat")]
    public void Find_KnownModel_MatchesFamily(string model, string family)
    {
        Assert.Equal(family, OpenAIModelCatalog.Find(model)?.Name);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("gpt-4o-audio-preview")]
    [InlineData("gpt-4omni")]
    [InlineData("llama-3.1-8b")]
    public void Find_UnknownModel_ReturnsNull(string? model)
    {
        Assert.Null(OpenAIModelCatalog.Find(model));
    }
}
