using LlmFallback.Tests.Metering;
using Microsoft.Extensions.Time.Testing;
using static LlmFallback.Tests.Metering.MeteringTestKit;

namespace LlmFallback.Tests.Budgets;

public sealed class BudgetsChatClientTests : BudgetsTestBase
{
    [Fact]
    public async Task GetResponseAsync_DailyBudgetSpent_StopsWithScopeLimitAndResetTime()
    {
        var inner = Answering("Hi", "gpt-4o-mini", Usage(1000, 1000));
        using var client = Client(inner, o => o.PerTenant.Daily = 0.001m);

        await client.GetResponseAsync(Prompt(), Request(), Ct);
        await client.GetResponseAsync(Prompt(), Request(), Ct);
        var ex = await Assert.ThrowsAsync<BudgetExceededException>(() => client.GetResponseAsync(Prompt(), Request(), Ct));

        Assert.Equal(2, inner.CallCount);
        Assert.Equal(LlmBudgetScope.Tenant, ex.Scope);
        Assert.Equal("day", ex.Period);
        Assert.Equal(0.001m, ex.Limit);
        Assert.Equal(new DateTimeOffset(2026, 12, 4, 0, 0, 0, TimeSpan.Zero), ex.ResetsAt);
        Assert.Equal(TimeSpan.FromHours(12), ex.RetryAfter);
        Assert.DoesNotContain("acme", ex.Message, StringComparison.Ordinal);
        var audit = Assert.Single(_audit.Events);
        Assert.Equal(LlmAuditEventKind.BudgetExceeded, audit.Kind);
        Assert.Equal("budgets", audit.Stage);
        Assert.Equal("acme", audit.Tenant);
        Assert.Equal("u1", audit.User);
        Assert.Equal("reject", audit.Action);
        Assert.Equal("tenant budget per day", audit.Reason);
        Assert.Equal(Noon, audit.Timestamp);
    }

    [Fact]
    public async Task GetResponseAsync_NextUtcDay_TheDailyBudgetIsAvailableAgain()
    {
        using var client = Client(Answering("Hi", "gpt-4o-mini", Usage(1000, 1000)), o => o.PerTenant.Daily = 0.0005m);
        await client.GetResponseAsync(Prompt(), Request(), Ct);
        await Assert.ThrowsAsync<BudgetExceededException>(() => client.GetResponseAsync(Prompt(), Request(), Ct));

        _time.Advance(TimeSpan.FromHours(11) + TimeSpan.FromMinutes(59));
        await Assert.ThrowsAsync<BudgetExceededException>(() => client.GetResponseAsync(Prompt(), Request(), Ct));
        _time.Advance(TimeSpan.FromMinutes(1));

        Assert.NotNull(await client.GetResponseAsync(Prompt(), Request(), Ct));
    }

    [Fact]
    public async Task GetResponseAsync_MonthlyBudget_HoldsAcrossDaysAndResetsWithTheCalendarMonth()
    {
        using var client = Client(Answering("Hi", "gpt-4o-mini", Usage(1000, 1000)), o => o.PerUser.Monthly = 0.0005m);
        await client.GetResponseAsync(Prompt(), Request(), Ct);
        _time.Advance(TimeSpan.FromDays(5));

        var ex = await Assert.ThrowsAsync<BudgetExceededException>(() => client.GetResponseAsync(Prompt(), Request(), Ct));
        Assert.Equal(("month", LlmBudgetScope.User), (ex.Period, ex.Scope));
        Assert.Equal(new DateTimeOffset(2027, 1, 1, 0, 0, 0, TimeSpan.Zero), ex.ResetsAt);

        _time.SetUtcNow(new DateTimeOffset(2027, 1, 1, 0, 0, 0, TimeSpan.Zero));
        Assert.NotNull(await client.GetResponseAsync(Prompt(), Request(), Ct));
    }

    [Fact]
    public async Task GetResponseAsync_CustomWindow_ResetsAtTheWindowBoundary()
    {
        using var client = Client(Answering("Hi", "gpt-4o-mini", Usage(1000, 1000)), o => o.PerApiKey.Windows.Add(new LlmBudgetWindow { Duration = TimeSpan.FromMinutes(15), Limit = 0.0005m }));
        _time.Advance(TimeSpan.FromMinutes(7));
        await client.GetResponseAsync(Prompt(), Request(), Ct);

        var ex = await Assert.ThrowsAsync<BudgetExceededException>(() => client.GetResponseAsync(Prompt(), Request(), Ct));
        Assert.Equal(LlmBudgetScope.ApiKey, ex.Scope);
        Assert.Equal("00:15:00", ex.Period);
        Assert.Equal(Noon.AddMinutes(15), ex.ResetsAt);

        _time.Advance(TimeSpan.FromMinutes(8));
        Assert.NotNull(await client.GetResponseAsync(Prompt(), Request(), Ct));
    }

    [Fact]
    public async Task GetResponseAsync_EstimateLargerThanWhatIsLeft_IsRefusedBeforeSpending()
    {
        var inner = Answering("Hi", "gpt-4o", Usage(10, 10));
        using var client = Client(inner, o => o.PerTenant.Daily = 0.001m);

        // gpt-4o: 2,000 requested output tokens alone are 2000 × 10 / 1M = 0.02 USD, more than the whole budget.
        var request = Request("gpt-4o");
        request.MaxOutputTokens = 2000;

        await Assert.ThrowsAsync<BudgetExceededException>(() => client.GetResponseAsync(Prompt(), request, Ct));
        Assert.Equal(0, inner.CallCount);
    }

    [Fact]
    public async Task GetResponseAsync_OverrideForAnId_ReplacesTheScopeBudget()
    {
        using var client = Client(Answering("Hi", "gpt-4o-mini", Usage(1000, 1000)), o =>
        {
            o.PerTenant.Daily = 0.0005m;
            o.PerTenant.Overrides["acme"] = new LlmBudgetLimits { Daily = 100m };
        });

        for (var i = 0; i < 5; i++)
        {
            await client.GetResponseAsync(Prompt(), Request(), Ct);
        }

        await client.GetResponseAsync(Prompt(), new ChatOptions { ModelId = "gpt-4o-mini", MaxOutputTokens = 100 }.WithTenant("small"), Ct);
        await Assert.ThrowsAsync<BudgetExceededException>(() => client.GetResponseAsync(Prompt(), new ChatOptions { ModelId = "gpt-4o-mini", MaxOutputTokens = 100 }.WithTenant("small"), Ct));
    }

    [Fact]
    public async Task GetResponseAsync_RouteBudget_AppliesPerRequestedRoute()
    {
        using var client = Client(Answering("Hi", "gpt-4o-mini", Usage(1000, 1000)), o => o.PerRoute.Daily = 0.0005m);

        await client.GetResponseAsync(Prompt(), new ChatOptions { ModelId = "gpt-4o-mini", MaxOutputTokens = 100 }, Ct);
        var ex = await Assert.ThrowsAsync<BudgetExceededException>(() => client.GetResponseAsync(Prompt(), new ChatOptions { ModelId = "gpt-4o-mini", MaxOutputTokens = 100 }, Ct));

        Assert.Equal(LlmBudgetScope.Route, ex.Scope);
    }

    [Fact]
    public async Task GetResponseAsync_NoIdentity_PassesWithoutCounting()
    {
        var inner = Answering("Hi", "gpt-4o-mini", Usage(1000, 1000));
        using var client = Client(inner, o => o.PerTenant.Daily = 0.0001m);

        for (var i = 0; i < 3; i++)
        {
            await client.GetResponseAsync(Prompt(), null, Ct);
        }

        Assert.Equal(3, inner.CallCount);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_BudgetSpent_ThrowsBeforeStreaming()
    {
        var inner = Answering("Hi", "gpt-4o-mini", Usage(1000, 1000));
        using var client = Client(inner, o => o.PerTenant.Daily = 0.0005m);
        await client.GetResponseAsync(Prompt(), Request(), Ct);

        await Assert.ThrowsAsync<BudgetExceededException>(async () =>
        {
            await foreach (var _ in client.GetStreamingResponseAsync(Prompt(), Request(), Ct))
            {
            }
        });
        Assert.Equal(1, inner.CallCount);
    }

    [Fact]
    public async Task Constructor_OptionsChangedAfterwards_AreNotSeen()
    {
        var options = new BudgetOptions();
        options.PerTenant.Daily = 100m;
        using var client = new BudgetsChatClient(Answering("Hi", "gpt-4o-mini", Usage(1000, 1000)), _store, options, timeProvider: _time);

        options.PerTenant.Daily = 0.000001m;

        Assert.NotNull(await client.GetResponseAsync(Prompt(), Request(), Ct));
    }

    [Fact]
    public void Constructor_DowngradeWithoutTarget_ThrowsNamingTheKey()
    {
        var ex = Assert.Throws<ArgumentException>(() => new BudgetsChatClient(Answering("x", null, null), _store, new BudgetOptions { OnExceeded = LlmBudgetAction.Downgrade }));

        Assert.StartsWith("Budgets:DowngradeTo must name a cheaper route or model when Budgets:OnExceeded is Downgrade.", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PublicMembers_NullArguments_Throw()
    {
        Assert.Throws<ArgumentNullException>(() => new BudgetsChatClient(null!, _store));
        Assert.Throws<ArgumentNullException>(() => new BudgetsChatClient(Answering("x", null, null), null!));
        using var client = new BudgetsChatClient(Answering("x", null, null), _store);
        await Assert.ThrowsAsync<ArgumentNullException>(() => client.GetResponseAsync(null!, null, Ct));
        Assert.Throws<ArgumentNullException>(() => client.GetStreamingResponseAsync(null!, null, Ct));
    }
}
