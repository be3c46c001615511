using Microsoft.Extensions.Time.Testing;
using static LlmFallback.Tests.Metering.MeteringTestKit;

namespace LlmFallback.Tests.Metering;

public sealed partial class InMemoryCostLedgerTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 3, 10, 30, 0, TimeSpan.Zero));

    private LlmCostEntry Entry(decimal? cost, string user = "u1", string tenant = "t1", string model = "gpt-4o", long input = 100, long output = 10) => new()
    {
        Timestamp = _time.GetUtcNow(),
        Provider = "openai",
        Model = model,
        Route = "smart",
        User = user,
        Tenant = tenant,
        ApiKeyId = "k1",
        InputTokens = input,
        OutputTokens = output,
        Cost = cost,
    };

    [Fact]
    public async Task GetTotalsAsync_ByEveryDimension_AddsTheCallsOfThatKey()
    {
        var ledger = new InMemoryCostLedger(_time);
        ledger.Record(Entry(0.01m, user: "u1"));
        ledger.Record(Entry(0.02m, user: "u2"));
        ledger.Record(Entry(null, user: "u2", model: "local"));
        var (from, to) = (_time.GetUtcNow().AddHours(-1), _time.GetUtcNow().AddHours(1));

        var u2 = await ledger.GetTotalsAsync(LlmCostDimension.User, "u2", from, to, Ct);
        var all = await ledger.GetTotalsAsync(LlmCostDimension.All, ICostLedger.AllKey, from, to, Ct);

        Assert.Equal(2, u2.Calls);
        Assert.Equal(0.02m, u2.Cost);
        Assert.Equal(1, u2.UnpricedCalls);
        Assert.Equal(3, all.Calls);
        Assert.Equal(0.03m, all.Cost);
        Assert.Equal(300, all.InputTokens);
        Assert.Equal(30, all.OutputTokens);
        Assert.Equal(0.03m, (await ledger.GetTotalsAsync(LlmCostDimension.Tenant, "t1", from, to, Ct)).Cost);
        Assert.Equal(0.03m, (await ledger.GetTotalsAsync(LlmCostDimension.ApiKey, "k1", from, to, Ct)).Cost);
        Assert.Equal(0.03m, (await ledger.GetTotalsAsync(LlmCostDimension.Route, "smart", from, to, Ct)).Cost);
        Assert.Equal(0.03m, (await ledger.GetTotalsAsync(LlmCostDimension.Provider, "openai", from, to, Ct)).Cost);
        Assert.Equal(1, (await ledger.GetTotalsAsync(LlmCostDimension.Model, "local", from, to, Ct)).Calls);
        Assert.Equal(["u1", "u2"], (await ledger.GetKeysAsync(LlmCostDimension.User, Ct)).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task GetTotalsAsync_RecentPeriod_IsSummedByTheHour()
    {
        var ledger = new InMemoryCostLedger(_time);
        ledger.Record(Entry(1m));
        _time.Advance(TimeSpan.FromHours(2));
        ledger.Record(Entry(2m));
        var now = _time.GetUtcNow();

        Assert.Equal(2m, (await ledger.GetTotalsAsync(LlmCostDimension.User, "u1", now.AddMinutes(-30), now.AddMinutes(1), Ct)).Cost);
        Assert.Equal(3m, (await ledger.GetTotalsAsync(LlmCostDimension.User, "u1", now.AddHours(-3), now.AddMinutes(1), Ct)).Cost);
        Assert.Equal(0m, (await ledger.GetTotalsAsync(LlmCostDimension.User, "u1", now, now, Ct)).Cost);
    }

    [Fact]
    public async Task GetTotalsAsync_OlderPeriod_IsSummedByTheDayWithinRetention()
    {
        var ledger = new InMemoryCostLedger(_time, TimeSpan.FromDays(10));
        ledger.Record(Entry(1m));
        _time.Advance(TimeSpan.FromDays(5));
        ledger.Record(Entry(2m));
        var now = _time.GetUtcNow();

        Assert.Equal(3m, (await ledger.GetTotalsAsync(LlmCostDimension.User, "u1", now.AddDays(-6), now.AddHours(1), Ct)).Cost);

        _time.Advance(TimeSpan.FromDays(8));
        ledger.Record(Entry(4m, user: "u9"));
        now = _time.GetUtcNow();

        // The first call (13 days ago) is past the 10-day retention and was swept; the second (8 days ago) remains.
        Assert.Equal(2m, (await ledger.GetTotalsAsync(LlmCostDimension.User, "u1", now.AddDays(-20), now, Ct)).Cost);
    }

    [Fact]
    public async Task Record_ConcurrentWriters_LoseNothing()
    {
        var ledger = new InMemoryCostLedger(_time);

        await Task.WhenAll(Enumerable.Range(0, 8).Select(w => Task.Run(() =>
        {
            for (var i = 0; i < 1000; i++)
            {
                ledger.Record(Entry(0.001m, user: $"u{w % 2}"));
            }
        }, Ct)));

        var totals = await ledger.GetTotalsAsync(LlmCostDimension.All, ICostLedger.AllKey, _time.GetUtcNow().AddHours(-1), _time.GetUtcNow().AddHours(1), Ct);
        Assert.Equal(8000, totals.Calls);
        Assert.Equal(8m, totals.Cost);
        Assert.Equal(4000, (await ledger.GetTotalsAsync(LlmCostDimension.User, "u1", _time.GetUtcNow().AddHours(-1), _time.GetUtcNow().AddHours(1), Ct)).Calls);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(401)]
    public void Constructor_RetentionOutOfRange_Throws(int days)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new InMemoryCostLedger(_time, TimeSpan.FromDays(days)));

        Assert.Equal("retention", ex.ParamName);
    }

    [Fact]
    public async Task GetTotalsAsync_NullKey_Throws()
    {
        await Assert.ThrowsAsync<ArgumentNullException>(async () => await new InMemoryCostLedger().GetTotalsAsync(LlmCostDimension.User, null!, default, default, Ct));
    }
}
