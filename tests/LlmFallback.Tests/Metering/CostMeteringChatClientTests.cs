using LlmFallback.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using static LlmFallback.Tests.Metering.MeteringTestKit;

namespace LlmFallback.Tests.Metering;

public sealed class CostMeteringChatClientTests
{
    [Fact]
    public async Task GetResponseAsync_ReportedUsage_SetsTokensAndCostOnTheResponse()
    {
        var ledger = new InMemoryCostLedger();
        using var client = new CostMeteringChatClient(Answering("Hi", "gpt-4o-mini-2024-07-18", Usage(1000, 200, 400)), ledger: ledger);

        var response = await client.GetResponseAsync(Prompt(), new ChatOptions().WithTenant("acme"), Ct);

        var info = response.GetLlmCallInfo();
        Assert.NotNull(info);
        Assert.Equal("test-provider", info.Provider);
        Assert.Equal("gpt-4o-mini-2024-07-18", info.ModelId);
        Assert.Equal(1000, info.InputTokenCount);
        Assert.Equal(200, info.OutputTokenCount);
        Assert.Equal(400, info.CachedInputTokenCount);
        Assert.Equal(0.00024m, info.Cost);
        Assert.False(info.IsUsageEstimated);
        var totals = await ledger.GetTotalsAsync(LlmCostDimension.Tenant, "acme", DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddHours(1), Ct);
        Assert.Equal(1, totals.Calls);
        Assert.Equal(0.00024m, totals.Cost);
    }

    [Fact]
    public async Task GetResponseAsync_NoUsage_EstimatesWithTheTokenizerAndMarksItEstimated()
    {
        var prompt = Prompt("Count these words for me please");
        using var client = new CostMeteringChatClient(Answering("Five words are here", "gpt-4o", usage: null));

        var info = (await client.GetResponseAsync(prompt, null, Ct)).GetLlmCallInfo()!;

        var counter = LlmTokenCounter.ForModel("gpt-4o");
        Assert.True(info.IsUsageEstimated);
        Assert.Equal(counter.CountTokens(prompt), info.InputTokenCount);
        Assert.Equal(counter.CountTokens("Five words are here"), info.OutputTokenCount);
        Assert.Equal(LlmPriceCatalog.Default.GetCost("gpt-4o", info.InputTokenCount!.Value, info.OutputTokenCount!.Value), info.Cost);
    }

    [Fact]
    public async Task GetResponseAsync_OnlyInputReported_EstimatesTheOutput()
    {
        using var client = new CostMeteringChatClient(Answering("Hello there", "gpt-4o", new UsageDetails { InputTokenCount = 50 }));

        var info = (await client.GetResponseAsync(Prompt(), null, Ct)).GetLlmCallInfo()!;

        Assert.Equal(50, info.InputTokenCount);
        Assert.Equal(LlmTokenCounter.ForModel("gpt-4o").CountTokens("Hello there"), info.OutputTokenCount);
        Assert.True(info.IsUsageEstimated);
    }

    [Fact]
    public async Task GetResponseAsync_EstimationOff_LeavesTheCostUnknown()
    {
        using var client = new CostMeteringChatClient(Answering("Hi", "gpt-4o", usage: null), options: new CostMeteringOptions { EstimateMissingUsage = false });

        var info = (await client.GetResponseAsync(Prompt(), null, Ct)).GetLlmCallInfo()!;

        Assert.Null(info.InputTokenCount);
        Assert.Null(info.Cost);
        Assert.False(info.IsUsageEstimated);
    }

    [Fact]
    public async Task GetResponseAsync_UnknownModel_CostIsUnknownAndWarnedOnce()
    {
        var (factory, logs) = Logging();
        using var client = new CostMeteringChatClient(Answering("Hi", "my-local-model", Usage(10, 10)), loggerFactory: factory);

        var first = (await client.GetResponseAsync(Prompt(), null, Ct)).GetLlmCallInfo()!;
        var second = (await client.GetResponseAsync(Prompt(), null, Ct)).GetLlmCallInfo()!;

        Assert.Null(first.Cost);
        Assert.Null(second.Cost);
        Assert.Equal(10, second.InputTokenCount);
        var warning = Assert.Single(logs.GetSnapshot(), r => r.Level == LogLevel.Warning);
        Assert.Equal(100, warning.Id.Id);
        Assert.Contains("'my-local-model'", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetResponseAsync_FailedCall_IsNotRecorded()
    {
        var ledger = new InMemoryCostLedger();
        var inner = new FakeChatClient("p") { OnGetResponse = (_, _, _) => Task.FromException<ChatResponse>(new HttpRequestException("boom")) };
        using var client = new CostMeteringChatClient(inner, ledger: ledger);

        await Assert.ThrowsAsync<HttpRequestException>(() => client.GetResponseAsync(Prompt(), null, Ct));

        Assert.Empty(await ledger.GetKeysAsync(LlmCostDimension.All, Ct));
    }

    [Fact]
    public async Task GetResponseAsync_AfterFailover_BillsOnlyTheAnsweringProviderAndModel()
    {
        var time = new FakeTimeProvider();
        var failing = new LlmProvider("primary", ScriptedChatClient.Always(Script.Status(500), time), new LlmProviderOptions { Model = "gpt-5.5", Resilience = { MaxRetries = 0 } }, timeProvider: time);
        var answering = new LlmProvider("secondary", Answering("Hi", "gpt-4o-mini", Usage(1_000_000, 0)), new LlmProviderOptions { Model = "gpt-4o-mini" }, timeProvider: time);
        var ledger = new InMemoryCostLedger(time);
        using var client = new CostMeteringChatClient(new FallbackChatClient([failing, answering], timeProvider: time), ledger: ledger, timeProvider: time);

        var info = (await client.GetResponseAsync(Prompt(), null, Ct)).GetLlmCallInfo()!;

        Assert.Equal("secondary", info.Provider);
        Assert.Equal(2, info.AttemptCount);
        Assert.Equal(0.15m, info.Cost);
        Assert.Equal(["*"], await ledger.GetKeysAsync(LlmCostDimension.All, Ct));
        Assert.Equal(["secondary"], await ledger.GetKeysAsync(LlmCostDimension.Provider, Ct));
        Assert.Equal(["gpt-4o-mini"], await ledger.GetKeysAsync(LlmCostDimension.Model, Ct));
        Assert.Equal(1, (await ledger.GetTotalsAsync(LlmCostDimension.All, ICostLedger.AllKey, time.GetUtcNow().AddHours(-1), time.GetUtcNow().AddHours(1), Ct)).Calls);
    }

    [Fact]
    public async Task GetResponseAsync_ProviderPricing_WinsOverTheCatalogue()
    {
        var time = new FakeTimeProvider();
        var provider = new LlmProvider("azure", Answering("Hi", "gpt-4o-mini", Usage(1_000_000, 1_000_000)), new LlmProviderOptions { Model = "gpt-4o-mini", Pricing = { InputPerMillionTokens = 0.10m } }, timeProvider: time);
        var registry = RegistryWith(provider);
        var meter = new LlmCostMeter(null, registry, null, time, null);
        using var client = new CostMeteringChatClient(new FallbackChatClient([provider], timeProvider: time), meter, null, "Llm:Metering");

        var info = (await client.GetResponseAsync(Prompt(), null, Ct)).GetLlmCallInfo()!;

        // 1M × 0.10 (provider's input price) + 1M × 0.60 (catalogue's output price).
        Assert.Equal(0.70m, info.Cost);
    }

    [Fact]
    public async Task RecordCacheHit_PricedModel_ReturnsAndRecordsTheCostSaved()
    {
        var ledger = new InMemoryCostLedger();
        using var client = new CostMeteringChatClient(Answering("unused", "gpt-4o", null), ledger: ledger);
        var cached = new ChatResponse(new ChatMessage(ChatRole.Assistant, "cached")) { ModelId = "gpt-4o-mini", Usage = Usage(1_000_000, 0) };
        cached.SetLlmCallInfo(new LlmCallInfo("openai", "gpt-4o-mini", TimeSpan.Zero));

        var saved = client.RecordCacheHit(cached, Prompt(), new ChatOptions().WithUser("u1"));

        Assert.Equal(0.15m, saved);
        Assert.Equal(0.15m, cached.GetLlmCallInfo()!.CostSaved);
        var totals = await ledger.GetTotalsAsync(LlmCostDimension.User, "u1", DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddHours(1), Ct);
        Assert.Equal(0.15m, totals.CostSaved);
        Assert.Equal(0m, totals.Cost);
        Assert.Equal(1, totals.Calls);
    }

    [Fact]
    public void RecordCacheHit_UnknownModel_ReturnsNull()
    {
        using var client = new CostMeteringChatClient(Answering("unused", "x", null));

        Assert.Null(client.RecordCacheHit(new ChatResponse(new ChatMessage(ChatRole.Assistant, "hi")) { ModelId = "not-a-model", Usage = Usage(1, 1) }));
    }

    [Fact]
    public void Constructor_InvalidOptions_ThrowsNamingTheKey()
    {
        var ex = Assert.Throws<ArgumentException>(() => new CostMeteringChatClient(Answering("x", null, null), options: new CostMeteringOptions { LedgerRetention = TimeSpan.FromDays(1) }));

        Assert.StartsWith("Metering:LedgerRetention must be between 2.00:00:00 and 400.00:00:00 (was 1.00:00:00).", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PublicMembers_NullArguments_Throw()
    {
        Assert.Throws<ArgumentNullException>(() => new CostMeteringChatClient(null!));
        using var client = new CostMeteringChatClient(Answering("x", null, null));
        await Assert.ThrowsAsync<ArgumentNullException>(() => client.GetResponseAsync(null!, null, Ct));
        Assert.Throws<ArgumentNullException>(() => client.GetStreamingResponseAsync(null!, null, Ct));
        Assert.Throws<ArgumentNullException>(() => client.RecordCacheHit(null!));
    }

    internal static LlmProviderRegistry RegistryWith(LlmProvider provider)
    {
        var services = new ServiceCollection();
        services.AddSingleton(provider.TimeProvider);
        services.AddLlmProviders().AddProvider(provider.Name, _ => provider.Client, o =>
        {
            o.Model = provider.Model;
            o.Pricing = provider.Pricing;
        });
        return services.BuildServiceProvider().GetRequiredService<LlmProviderRegistry>();
    }
}
