using LlmFallback.Tests.Metering;
using Microsoft.Extensions.Time.Testing;
using static LlmFallback.Tests.Metering.MeteringTestKit;

namespace LlmFallback.Tests.Budgets;

[Collection(MeterCollection.Name)]
public sealed class BudgetDiagnosticsTests
{
    [Fact]
    public async Task Exceeded_RejectAndDowngrade_AreExportedWithScopePeriodAndAction()
    {
        using var capture = new TelemetryCapture();
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 3, 12, 0, 0, TimeSpan.Zero));
        var options = new BudgetOptions { OnExceeded = LlmBudgetAction.Downgrade, DowngradeTo = "gpt-4o-mini" };
        options.PerTenant.Windows.Add(new LlmBudgetWindow { Duration = TimeSpan.FromMinutes(13), Limit = 0.005m });
        using var client = new BudgetsChatClient(Answering("Hi", "gpt-4o-mini", Usage(1000, 1000)), new InMemoryBudgetStore(time), options, timeProvider: time);
        var request = new ChatOptions { ModelId = "gpt-4o", MaxOutputTokens = 1000 }.WithTenant("t");

        await client.GetResponseAsync(Prompt(), request, Ct);
        options.PerTenant.Windows[0].Limit = 0.0001m;
        await Assert.ThrowsAsync<BudgetExceededException>(() => client.GetResponseAsync(Prompt(), request, Ct));

        var (unit, points) = capture.Read("llmfallback.budget.exceeded", new("llmfallback.budget.period", "00:13:00"));
        Assert.Equal("{request}", unit);
        Assert.Equal(1, Assert.Single(points, p => Equals(p.Tags["llmfallback.budget.action"], "downgrade")).Value);
        Assert.Equal(1, Assert.Single(points, p => Equals(p.Tags["llmfallback.budget.action"], "reject")).Value);
        Assert.All(points, p => Assert.Equal("tenant", p.Tags["llmfallback.budget.scope"]));
    }
}
