namespace LlmFallback.Anthropic.Tests;

public sealed class AnthropicModelCatalogTests
{
    [Theory]
    [InlineData("claude-sonnet-4-5-20250929", "claude-sonnet-4-5")]
    [InlineData("claude-3-7-sonnet-latest", "claude-3-7-sonnet")]
    [InlineData("claude-opus-4-20250514", "claude-opus-4")]
    [InlineData("claude-opus-5-5", "claude-opus-5-5")]
    [InlineData("claude-custom-2025", "claude-custom-2025")]
    public void Family_StripsSnapshotSuffix(string model, string family)
    {
        Assert.Equal(family, AnthropicModelCatalog.Family(model));
    }

    [Theory]
    [InlineData("claude-opus-5-5", 1_000_000, 128_000, false)]
    [InlineData("claude-haiku-5-5", 1_000_000, 128_000, false)]
    [InlineData("claude-sonnet-4-6", 1_000_000, 128_000, false)]
    [InlineData("claude-opus-4-6", 1_000_000, 128_000, false)]
    [InlineData("claude-sonnet-4-5-20250929", 200_000, 64_000, true)]
    [InlineData("claude-haiku-4-5", 200_000, 64_000, true)]
    [InlineData("claude-opus-4-1-20250805", 200_000, 32_000, true)]
    [InlineData("claude-3-5-haiku-latest", 200_000, 8_192, true)]
    public void TryGet_KnownModel_ReturnsPublishedLimits(string model, int context, int output, bool prefill)
    {
        Assert.True(AnthropicModelCatalog.TryGet(model, out var info));
        Assert.Equal(context, info.ContextWindow);
        Assert.Equal(output, info.MaxOutputTokens);
        Assert.Equal(prefill, info.PrefillContinuation);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("claude-next-9")]
    [InlineData("gpt-4o")]
    public void TryGet_UnknownModel_ReturnsFalse(string? model)
    {
        Assert.False(AnthropicModelCatalog.TryGet(model, out _));
    }
}
