namespace LlmFallback.Tests.Metering;

public sealed class LlmPriceTests
{
    [Fact]
    public void Merge_ProviderFieldsWin_FieldByField()
    {
        var merged = LlmPrice.Merge(new LlmModelPricing { OutputPerMillionTokens = 9m }, new LlmPrice(1m, 2m, 0.5m));

        Assert.NotNull(merged);
        Assert.Equal(1m, merged.Input);
        Assert.Equal(9m, merged.Output);
        Assert.Equal(0.5m, merged.CachedInput);
    }

    [Fact]
    public void Merge_NothingKnown_IsUnknown()
    {
        Assert.Null(LlmPrice.Merge(null, null));
        Assert.Null(LlmPrice.Merge(new LlmModelPricing { InputPerMillionTokens = 1m }, null));
    }

    [Fact]
    public void Merge_ConfiguredWithoutCachedPrice_CachesAtInputPrice()
    {
        var merged = LlmPrice.Merge(new LlmModelPricing { InputPerMillionTokens = 2m, OutputPerMillionTokens = 4m }, null);

        Assert.Equal(2m, merged!.CachedInput);
    }

    [Fact]
    public void Cost_NegativeCounts_AreTreatedAsZero()
    {
        Assert.Equal(0m, new LlmPrice(1m, 1m, 1m).Cost(-5, -5, -5));
    }
}
