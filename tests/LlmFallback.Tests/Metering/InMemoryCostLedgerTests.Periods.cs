using static LlmFallback.Tests.Metering.MeteringTestKit;

namespace LlmFallback.Tests.Metering;

/// <summary>The ends of a period: which resolution sums it, how its ends round, and open-ended periods.</summary>
public sealed partial class InMemoryCostLedgerTests
{
    private static readonly DateTimeOffset Min = DateTimeOffset.MinValue;
    private static readonly DateTimeOffset Max = DateTimeOffset.MaxValue;

    /// <summary>Now is 2026-12-03 10:30; records at Dec 1 10:30 (16), Nov 20 12:00 (1), Dec 2 09:15 (2), now (4) and Dec 3 12:00 (8).</summary>
    private InMemoryCostLedger LedgerWithSpreadRecords()
    {
        var ledger = new InMemoryCostLedger(_time);
        var now = _time.GetUtcNow();
        ledger.Record(Entry(1m) with { Timestamp = At(11, 20, 12, 0) });
        ledger.Record(Entry(16m) with { Timestamp = now.AddHours(-48) });
        ledger.Record(Entry(2m) with { Timestamp = At(12, 2, 9, 15) });
        ledger.Record(Entry(4m));
        ledger.Record(Entry(8m) with { Timestamp = At(12, 3, 12, 0) });
        return ledger;
    }

    private static DateTimeOffset At(int month, int day, int hour, int minute) => new(2026, month, day, hour, minute, 0, TimeSpan.Zero);

    private static async Task<decimal> CostAsync(InMemoryCostLedger ledger, DateTimeOffset since, DateTimeOffset until) =>
        (await ledger.GetTotalsAsync(LlmCostDimension.User, "u1", since, until, Ct)).Cost;

    [Fact]
    public async Task GetTotalsAsync_OpenEndedPeriods_SumEveryRecordInRange()
    {
        var ledger = LedgerWithSpreadRecords();
        var now = _time.GetUtcNow();

        Assert.Equal(31m, await CostAsync(ledger, Min, Max));
        Assert.Equal(12m, await CostAsync(ledger, now.AddHours(-1), Max));
        Assert.Equal(0m, await CostAsync(ledger, Max.AddTicks(-1), Max));
        Assert.Equal(0m, await CostAsync(ledger, Min, Min.AddTicks(1)));
        Assert.Equal(0m, await CostAsync(ledger, Max, Max));
        Assert.Equal(0m, await CostAsync(ledger, Max, Min));
        Assert.Equal(5, (await ledger.GetTotalsAsync(LlmCostDimension.All, ICostLedger.AllKey, Min, Max, Ct)).Calls);
    }

    [Fact]
    public async Task GetTotalsAsync_DailyPeriod_RoundsItsEndsOutToWholeUtcDaysAndExcludesUntil()
    {
        var ledger = LedgerWithSpreadRecords();

        Assert.Equal(31m, await CostAsync(ledger, Min, _time.GetUtcNow()));
        Assert.Equal(19m, await CostAsync(ledger, Min, At(12, 3, 0, 0)));
        Assert.Equal(31m, await CostAsync(ledger, Min, At(12, 3, 0, 0).AddTicks(1)));
        Assert.Equal(31m, await CostAsync(ledger, At(11, 20, 23, 59), Max));
        Assert.Equal(30m, await CostAsync(ledger, At(11, 21, 0, 0), Max));
        Assert.Equal(1m, await CostAsync(ledger, At(11, 20, 23, 59), At(11, 21, 0, 0)));
    }

    [Fact]
    public async Task GetTotalsAsync_HourlyPeriod_RoundsItsEndsOutToWholeHoursAndExcludesUntil()
    {
        var ledger = LedgerWithSpreadRecords();

        Assert.Equal(4m, await CostAsync(ledger, At(12, 3, 10, 59), At(12, 3, 12, 0)));
        Assert.Equal(12m, await CostAsync(ledger, At(12, 3, 10, 59), At(12, 3, 12, 0).AddTicks(1)));
        Assert.Equal(12m, await CostAsync(ledger, At(12, 3, 10, 59), Max));
        Assert.Equal(0m, await CostAsync(ledger, At(12, 3, 11, 0), At(12, 3, 12, 0)));
    }

    [Fact]
    public async Task GetTotalsAsync_PeriodStartingBeforeTheLast48Hours_IsSummedByTheDay()
    {
        var ledger = LedgerWithSpreadRecords();
        var firstHourly = At(12, 1, 11, 0);

        // From the 48th hour back the period is summed by the hour: the record at Dec 1 10:30 is not in it...
        Assert.Equal(14m, await CostAsync(ledger, firstHourly, Max));

        // ...a tick earlier by the UTC day, which starts at Dec 1 00:00 and holds that record.
        Assert.Equal(30m, await CostAsync(ledger, firstHourly.AddTicks(-1), Max));
        Assert.Equal(16m, await CostAsync(ledger, firstHourly.AddTicks(-1), firstHourly));
    }
}
