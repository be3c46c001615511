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
        var store = new InMemoryBudgetStore(time);
        var roomy = new BudgetOptions { OnExceeded = LlmBudgetAction.Downgrade, DowngradeTo = "gpt-4o-mini" };
        roomy.PerTenant.Windows.Add(new LlmBudgetWindow { Duration = TimeSpan.FromMinutes(13), Limit = 0.005m });
        var tight = new BudgetOptions();
        tight.PerTenant.Windows.Add(new LlmBudgetWindow { Duration = TimeSpan.FromMinutes(13), Limit = 0.0001m });
        using var downgrading = new BudgetsChatClient(Answering("Hi", "gpt-4o-mini", Usage(1000, 1000)), store, roomy, timeProvider: time);
        using var rejecting = new BudgetsChatClient(Answering("Hi", "gpt-4o-mini", Usage(1000, 1000)), store, tight, timeProvider: time);
        var request = new ChatOptions { ModelId = "gpt-4o", MaxOutputTokens = 1000 }.WithTenant("t");

        await downgrading.GetResponseAsync(Prompt(), request, Ct);
        await Assert.ThrowsAsync<BudgetExceededException>(() => rejecting.GetResponseAsync(Prompt(), request, Ct));

        var (unit, points) = capture.Read("llmfallback.budget.exceeded", new("llmfallback.budget.period", "00:13:00"));
        Assert.Equal("{request}", unit);
        Assert.Equal(1, Assert.Single(points, p => Equals(p.Tags["llmfallback.budget.action"], "downgrade")).Value);
        Assert.Equal(1, Assert.Single(points, p => Equals(p.Tags["llmfallback.budget.action"], "reject")).Value);
        Assert.All(points, p => Assert.Equal("tenant", p.Tags["llmfallback.budget.scope"]));
    }
}
