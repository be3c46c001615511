namespace LlmFallback.Tests.Metering;

public sealed class LlmPriceCatalogTests
{
    [Fact]
    public void Default_ShippedCatalogue_IsDatedAndListsTheMajorProviders()
    {
        var catalog = LlmPriceCatalog.Default;

        Assert.Equal(new DateOnly(2026, 12, 3), catalog.PricesAsOf);
        Assert.Contains("gpt-4o-mini", catalog.Models);
        Assert.Contains("claude-sonnet-4-5", catalog.Models);
        Assert.Contains("gemini-2.5-flash", catalog.Models);
        Assert.True(catalog.Models.Count >= 40);
    }

    [Theory]
    [InlineData("gpt-4o-mini", 0.15, 0.60, 0.075)]
    [InlineData("gpt-5.4", 2.50, 15.00, 0.25)]
    [InlineData("claude-sonnet-4-5", 3.00, 15.00, 0.30)]
    [InlineData("claude-haiku-4-5", 1.00, 5.00, 0.10)]
    [InlineData("gemini-2.5-pro", 1.25, 10.00, 0.125)]
    [InlineData("gemini-2.0-flash-lite", 0.075, 0.30, 0.075)]
    public void TryGetPricing_ListedModel_ReturnsItsListPrices(string model, double input, double output, double cached)
    {
        Assert.True(LlmPriceCatalog.Default.TryGetPricing(model, out var pricing));

        Assert.Equal((decimal)input, pricing.InputPerMillionTokens);
        Assert.Equal((decimal)output, pricing.OutputPerMillionTokens);
        Assert.Equal((decimal)cached, pricing.CachedInputPerMillionTokens);
    }

    [Theory]
    [InlineData("gpt-4o-mini-2024-07-18", "gpt-4o-mini")]
    [InlineData("GPT-4o-Mini", "gpt-4o-mini")]
    [InlineData("openai/gpt-4o", "gpt-4o")]
    [InlineData("gpt-4.1-2025-04-14", "gpt-4.1")]
    [InlineData("claude-sonnet-4-5-20250929", "claude-sonnet-4-5")]
    [InlineData("claude-3-5-haiku-20241022", "claude-3-5-haiku")]
    [InlineData("claude-3-7-sonnet-latest", "claude-3-7-sonnet")]
    [InlineData("claude-sonnet-4-5@20250929", "claude-sonnet-4-5")]
    [InlineData("us.anthropic.claude-sonnet-4-5-20250929-v1:0", "claude-sonnet-4-5")]
    [InlineData("claude-haiku-5-5[1m]", "claude-haiku-5-5")]
    [InlineData("models/gemini-2.5-flash", "gemini-2.5-flash")]
    [InlineData("gemini-2.0-flash-001", "gemini-2.0-flash")]
    public void TryGetPricing_DecoratedId_MatchesTheCatalogueName(string reported, string listed)
    {
        Assert.True(LlmPriceCatalog.Default.TryGetPricing(listed, out var expected));

        Assert.True(LlmPriceCatalog.Default.TryGetPricing(reported, out var pricing));

        Assert.Equal(expected.InputPerMillionTokens, pricing.InputPerMillionTokens);
        Assert.Equal(expected.OutputPerMillionTokens, pricing.OutputPerMillionTokens);
    }

    [Theory]
    [InlineData("gpt-4o-audio-preview")]
    [InlineData("gpt-4o-mini-search")]
    [InlineData("llama-3.1-8b")]
    [InlineData("claude-opus-4-5-fast")]
    [InlineData("")]
    public void TryGetPricing_DifferentModel_IsNotPricedAsAShorterName(string model)
    {
        Assert.False(LlmPriceCatalog.Default.TryGetPricing(model, out var pricing));
        Assert.Null(pricing);
        Assert.Null(LlmPriceCatalog.Default.GetCost(model, 1000, 1000));
    }

    [Fact]
    public void GetCost_InputAndOutput_UsesPerMillionPrices()
    {
        // gpt-4o-mini: $0.15 in, $0.60 out per million.
        Assert.Equal(0.75m, LlmPriceCatalog.Default.GetCost("gpt-4o-mini", 1_000_000, 1_000_000));
        Assert.Equal(0.0000015m, LlmPriceCatalog.Default.GetCost("gpt-4o-mini", 10, 0));
    }

    [Fact]
    public void GetCost_CachedTokens_ArePartOfTheInputAndBilledAtTheCachedPrice()
    {
        // 600 fresh × 0.15 + 400 cached × 0.075 + 200 out × 0.60 = 90 + 30 + 120 per million.
        Assert.Equal(0.00024m, LlmPriceCatalog.Default.GetCost("gpt-4o-mini", 1000, 200, 400));

        // claude-sonnet-4-5: 3 in, 0.30 cache read, 15 out: 9000 fresh × 3 + 1000 × 0.30 + 500 × 15 = 27000 + 300 + 7500.
        Assert.Equal(0.0348m, LlmPriceCatalog.Default.GetCost("claude-sonnet-4-5", 10_000, 500, 1000));
    }

    [Fact]
    public void GetCost_MoreCachedThanInput_CapsCachedAtTheInput()
    {
        Assert.Equal(LlmPriceCatalog.Default.GetCost("gpt-4o-mini", 100, 0, 100), LlmPriceCatalog.Default.GetCost("gpt-4o-mini", 100, 0, 500));
    }

    [Fact]
    public void WithOverrides_PartialOverride_KeepsTheOtherListedPrices()
    {
        var catalog = LlmPriceCatalog.Default.WithOverrides([new("gpt-4o-mini", new LlmModelPricing { OutputPerMillionTokens = 1.00m })]);

        Assert.True(catalog.TryGetPricing("gpt-4o-mini-2024-07-18", out var pricing));
        Assert.Equal(0.15m, pricing.InputPerMillionTokens);
        Assert.Equal(1.00m, pricing.OutputPerMillionTokens);
        Assert.Equal(0.075m, pricing.CachedInputPerMillionTokens);
        Assert.True(LlmPriceCatalog.Default.TryGetPricing("gpt-4o-mini", out var unchanged));
        Assert.Equal(0.60m, unchanged.OutputPerMillionTokens);
    }

    [Fact]
    public void WithOverrides_NewInputPriceWithoutCachedPrice_BillsCacheReadsAtTheNewInputPrice()
    {
        var catalog = LlmPriceCatalog.Default.WithOverrides([new("gpt-4o-mini", new LlmModelPricing { InputPerMillionTokens = 0.20m })]);

        Assert.True(catalog.TryGetPricing("gpt-4o-mini", out var pricing));
        Assert.Equal(0.20m, pricing.CachedInputPerMillionTokens);
    }

    [Fact]
    public void WithOverrides_NewModel_IsAdded()
    {
        var catalog = LlmPriceCatalog.Default.WithOverrides([new("llama-3.1-8b", new LlmModelPricing { InputPerMillionTokens = 0.05m, OutputPerMillionTokens = 0.08m })]);

        Assert.Equal(0.00013m, catalog.GetCost("llama-3.1-8b", 1000, 1000));
        Assert.Null(LlmPriceCatalog.Default.GetCost("llama-3.1-8b", 1000, 1000));
    }

    [Fact]
    public void WithOverrides_NewModelWithoutOutputPrice_ThrowsNamingTheKey()
    {
        var ex = Assert.Throws<ArgumentException>(() => LlmPriceCatalog.Default.WithOverrides([new("my-model", new LlmModelPricing { InputPerMillionTokens = 1m })]));

        Assert.Equal("overrides", ex.ParamName);
        Assert.StartsWith("Pricing:my-model is not in the catalogue, so it needs both InputPerMillionTokens and OutputPerMillionTokens.", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WithOverrides_NegativePrice_ThrowsNamingTheKey()
    {
        var ex = Assert.Throws<ArgumentException>(() => LlmPriceCatalog.Default.WithOverrides([new("gpt-4o", new LlmModelPricing { OutputPerMillionTokens = -1m })]));

        Assert.StartsWith("Pricing:gpt-4o:OutputPerMillionTokens must not be negative (was -1).", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PublicMethods_NullArguments_Throw()
    {
        Assert.Throws<ArgumentNullException>(() => LlmPriceCatalog.Default.WithOverrides(null!));
        Assert.Throws<ArgumentNullException>(() => LlmPriceCatalog.Default.TryGetPricing(null!, out _));
        Assert.Throws<ArgumentNullException>(() => LlmPriceCatalog.Default.GetCost(null!, 1, 1));
    }
}
