namespace LlmFallback.Tests.Metering;

public sealed class LlmModelIdsTests
{
    [Theory]
    [InlineData("gpt-4o-mini-2024-07-18", "gpt-4o-mini")]
    [InlineData("claude-3-5-haiku-20241022", "claude-3-5-haiku")]
    [InlineData("gpt-4-0613", "gpt-4")]
    [InlineData("gemini-1.5-pro-002", "gemini-1.5-pro")]
    [InlineData("gemini-2.5-flash-preview-05-20", "gemini-2.5-flash-preview")]
    [InlineData("claude-3-7-sonnet-latest", "claude-3-7-sonnet")]
    public void StripSuffix_SnapshotSuffix_IsRemoved(string id, string expected) => Assert.Equal(expected, LlmModelIds.StripSuffix(id));

    [Theory]
    [InlineData("claude-opus-4-5")]
    [InlineData("claude-sonnet-4-0")]
    [InlineData("gpt-4o-mini")]
    [InlineData("gpt-4o-audio-preview")]
    [InlineData("o3")]
    public void StripSuffix_VersionOrVariant_IsKept(string id) => Assert.Null(LlmModelIds.StripSuffix(id));

    [Fact]
    public void Candidates_BedrockId_EndsWithTheBareModelName()
    {
        Assert.Equal("claude-sonnet-4-5", LlmModelIds.Candidates("eu.anthropic.claude-sonnet-4-5-20250929-v1:0").Last());
    }
}
