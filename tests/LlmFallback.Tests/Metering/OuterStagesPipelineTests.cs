using LlmFallback.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using static LlmFallback.Tests.Metering.MeteringTestKit;

namespace LlmFallback.Tests.Metering;

/// <summary>
/// The outer stages in the documented order over a real fallback chain, configured from one <c>Llm</c> section:
/// rate limiting → budgets → cost optimisation → metering → fallback.
/// </summary>
public sealed class OuterStagesPipelineTests
{
    [Fact]
    public async Task Pipeline_FailoverThenAnswer_BillsOnlyTheAnsweringProviderEverywhere()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 3, 12, 0, 0, TimeSpan.Zero));
        var config = new TestConfiguration(
            ("Llm:Providers:primary:Model", "gpt-5.5"),
            ("Llm:Providers:primary:Resilience:MaxRetries", "0"),
            ("Llm:Providers:secondary:Model", "gpt-4o-mini"),
            ("Llm:Providers:secondary:Pricing:InputPerMillionTokens", "0.10"),
            ("Llm:Pricing:gpt-4o-mini:OutputPerMillionTokens", "0.50"),
            ("Llm:RateLimiting:PerUser:RequestsPerMinute", "2"),
            ("Llm:Budgets:PerTenant:Daily", "1.00"),
            ("Llm:CostOptimization:DefaultMaxOutputTokens", "256"));
        var services = new ServiceCollection().AddSingleton<TimeProvider>(time);
        services.AddLlmProviders(config.Llm)
            .AddProvider("primary", _ => ScriptedChatClient.Always(Script.Status(500), time))
            .AddProvider("secondary", _ => ScriptedChatClient.Always(Script.Answer("Python is a language.", "gpt-4o-mini", Usage(1_000_000, 1_000_000)), time));
        services.AddCostMetering(config.Llm).AddBudgets(config.Llm).AddRateLimiting(config.Llm).AddCostOptimization(config.Llm);
        services.AddFallbackChatClient("primary", "secondary")
            .UseRateLimiting()
            .UseBudgets()
            .UseCostOptimization()
            .UseCostMetering();
        await using var sp = services.BuildServiceProvider();
        var client = sp.GetRequiredService<IChatClient>();
        var request = new ChatOptions().WithUser("u1").WithTenant("acme");

        var response = await client.GetResponseAsync(Prompt("What   is Python?"), request, Ct);

        var info = response.GetLlmCallInfo()!;
        Assert.Equal(("secondary", "gpt-4o-mini", 2), (info.Provider, info.ModelId, info.AttemptCount));
        // Provider input price (0.10) wins; the output price comes from Llm:Pricing (0.50) over the catalogue (0.60).
        Assert.Equal(0.60m, info.Cost);
        Assert.True(info.TokensSaved > 0);
        var ledger = sp.GetRequiredService<ICostLedger>();
        var day = await ledger.GetTotalsAsync(LlmCostDimension.Tenant, "acme", time.GetUtcNow().AddHours(-1), time.GetUtcNow().AddHours(1), Ct);
        Assert.Equal((1, 0.60m), (day.Calls, day.Cost));
        Assert.Equal(["secondary"], await ledger.GetKeysAsync(LlmCostDimension.Provider, Ct));
        var counters = new List<LlmBudgetCounter>();
        BudgetWindows.AddCounters(counters, LlmBudgetScope.Tenant, "acme", new LlmBudgetLimits { Daily = 1m }, time.GetUtcNow());
        Assert.Equal(0.60m, await sp.GetRequiredService<ILlmBudgetStore>().GetSpentAsync(counters[0], Ct));

        // The next call fits the budget only if its estimate does: 0.40 USD are left of 1.00.
        await client.GetResponseAsync(Prompt(), request, Ct);
        var exceeded = await Assert.ThrowsAsync<BudgetExceededException>(() => client.GetResponseAsync(Prompt(), new ChatOptions().WithUser("u2").WithTenant("acme"), Ct));
        Assert.Equal(LlmBudgetScope.Tenant, exceeded.Scope);
        await Assert.ThrowsAsync<RateLimitedException>(() => client.GetResponseAsync(Prompt(), request, Ct));
    }
}
