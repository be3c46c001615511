using LlmFallback.Tests.Metering;
using Microsoft.Extensions.Time.Testing;
using static LlmFallback.Tests.Metering.MeteringTestKit;

namespace LlmFallback.Tests.Budgets;

/// <summary>A budget stage on a fake clock at noon UTC, with an in-memory store and a recording audit sink.</summary>
#pragma warning disable CA1051 // Fields shared with the derived test classes.
public abstract class BudgetsTestBase
{
    protected static readonly DateTimeOffset Noon = new(2026, 12, 3, 12, 0, 0, TimeSpan.Zero);
    protected readonly FakeTimeProvider _time = new(Noon);
    protected readonly RecordingAuditSink _audit = new();
    protected readonly InMemoryBudgetStore _store;

    protected BudgetsTestBase()
    {
        _store = new InMemoryBudgetStore(_time);
    }

    // gpt-4o-mini: 1000 in × 0.15 + 1000 out × 0.60 per million = 0.00075 USD per call.
    protected const decimal CallCost = 0.00075m;

    protected BudgetsChatClient Client(IChatClient inner, Action<BudgetOptions> configure)
    {
        var options = new BudgetOptions();
        configure(options);
        return new BudgetsChatClient(inner, _store, options, auditSink: _audit, timeProvider: _time);
    }

    protected static ChatOptions Request(string model = "gpt-4o-mini") => new ChatOptions { ModelId = model, MaxOutputTokens = 100 }.WithTenant("acme").WithUser("u1").WithApiKeyId("k1");

    protected LlmBudgetCounter Counter(LlmBudgetScope scope, string id, LlmBudgetLimits limits)
    {
        var counters = new List<LlmBudgetCounter>();
        BudgetWindows.AddCounters(counters, scope, id, limits, _time.GetUtcNow());
        return counters[0];
    }
}
