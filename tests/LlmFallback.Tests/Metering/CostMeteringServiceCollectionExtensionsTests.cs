using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using static LlmFallback.Tests.Metering.MeteringTestKit;

namespace LlmFallback.Tests.Metering;

public sealed class CostMeteringServiceCollectionExtensionsTests
{
    [Fact]
    public void AddCostMetering_Resolves_SingletonCatalogueLedgerAndOptions()
    {
        using var sp = new ServiceCollection().AddCostMetering().BuildServiceProvider();

        Assert.Same(LlmPriceCatalog.Default, sp.GetRequiredService<LlmPriceCatalog>());
        Assert.IsType<InMemoryCostLedger>(sp.GetRequiredService<ICostLedger>());
        Assert.Same(sp.GetRequiredService<ICostLedger>(), sp.GetRequiredService<ICostLedger>());
        Assert.True(sp.GetRequiredService<IOptions<CostMeteringOptions>>().Value.EstimateMissingUsage);
    }

    [Fact]
    public void AddCostMetering_Configuration_BindsMeteringAndPricing()
    {
        var config = new TestConfiguration(
            ("Llm:Metering:EstimateMissingUsage", "false"),
            ("Llm:Pricing:gpt-4o-mini:OutputPerMillionTokens", "1.5"),
            ("Llm:Pricing:llama-3.1-8b:InputPerMillionTokens", "0.05"),
            ("Llm:Pricing:llama-3.1-8b:OutputPerMillionTokens", "0.08"));
        using var sp = new ServiceCollection().AddCostMetering(config.Llm).BuildServiceProvider();

        var catalog = sp.GetRequiredService<LlmPriceCatalog>();

        Assert.False(sp.GetRequiredService<IOptions<CostMeteringOptions>>().Value.EstimateMissingUsage);
        Assert.True(catalog.TryGetPricing("gpt-4o-mini", out var mini));
        Assert.Equal(1.5m, mini.OutputPerMillionTokens);
        Assert.Equal(0.15m, mini.InputPerMillionTokens);
        Assert.Equal(0.00013m, catalog.GetCost("llama-3.1-8b", 1000, 1000));
    }

    [Fact]
    public void AddCostMetering_InvalidPricing_FailsNamingTheKey()
    {
        var config = new TestConfiguration(("Llm:Pricing:my-model:InputPerMillionTokens", "1"));
        using var sp = new ServiceCollection().AddCostMetering(config.Llm).BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => sp.GetRequiredService<IOptions<LlmPricingOptions>>().Value);

        Assert.Equal("Llm:Pricing:my-model is not in the price catalogue, so it needs both InputPerMillionTokens and OutputPerMillionTokens.", ex.Message);
    }

    [Fact]
    public async Task UseCostMetering_FromServices_RecordsInTheRegisteredLedger()
    {
        var services = new ServiceCollection().AddCostMetering();
        services.AddChatClient(Answering("Hi", "gpt-4o", Usage(10, 10))).UseCostMetering();
        using var sp = services.BuildServiceProvider();

        var response = await sp.GetRequiredService<IChatClient>().GetResponseAsync(Prompt(), new ChatOptions().WithUser("u7"), Ct);

        Assert.NotNull(response.GetLlmCallInfo()!.Cost);
        Assert.Equal(["u7"], await sp.GetRequiredService<ICostLedger>().GetKeysAsync(LlmCostDimension.User, Ct));
        Assert.NotNull(sp.GetRequiredService<IChatClient>().GetService<CostMeteringChatClient>());
    }

    [Fact]
    public void UseCostMetering_WithoutServices_WorksWithDefaults()
    {
        using var client = new ChatClientBuilder(Answering("Hi", "gpt-4o", Usage(1, 1))).UseCostMetering(configure: o => o.EstimateMissingUsage = false).Build();

        Assert.IsType<CostMeteringChatClient>(client);
    }

    [Fact]
    public void Extensions_NullArguments_Throw()
    {
        Assert.Throws<ArgumentNullException>(() => CostMeteringServiceCollectionExtensions.AddCostMetering(null!));
        Assert.Throws<ArgumentNullException>(() => new ServiceCollection().AddCostMetering((Microsoft.Extensions.Configuration.IConfiguration)null!));
        Assert.Throws<ArgumentNullException>(() => CostMeteringChatClientBuilderExtensions.UseCostMetering(null!));
    }
}
