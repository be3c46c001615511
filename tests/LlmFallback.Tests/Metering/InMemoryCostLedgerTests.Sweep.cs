using static LlmFallback.InMemoryCostLedger;
using static LlmFallback.Tests.Metering.MeteringTestKit;

namespace LlmFallback.Tests.Metering;

/// <summary>The hourly sweep that drops expired buckets and idle keys, and recorders running into it.</summary>
public sealed partial class InMemoryCostLedgerTests
{
    [Fact]
    public async Task Record_SweepBetweenFindingANewKeysSeriesAndEnteringIt_LosesNothing() =>
        await AssertSweepMidRecordLosesNothingAsync(Interleaving.SeriesFound);

    [Fact]
    public async Task Record_SweepBetweenEnteringANewKeysSeriesAndAddingToIt_LosesNothing() =>
        await AssertSweepMidRecordLosesNothingAsync(Interleaving.SeriesEntered);

    [Fact]
    public async Task Record_BetweenSweepFindingAnExpiredKeyEmptyAndRemovingIt_IsKept()
    {
        var ledger = new InMemoryCostLedger(_time, TimeSpan.FromDays(2));
        ledger.Record(Entry(1m, user: "u1"));
        _time.Advance(TimeSpan.FromDays(3));
        ledger.Interleave = (at, dimension) =>
        {
            if (at == Interleaving.SweepFoundEmpty && dimension == LlmCostDimension.User)
            {
                // u1's buckets have all expired; this call lands in its series before the sweep removes it.
                ledger.Interleave = null;
                ledger.Record(Entry(2m, user: "u1"));
            }
        };

        ledger.Record(Entry(4m, user: "u2"));

        Assert.Equal(2m, await CostAsync(ledger, Min, Max));
        ledger.Record(Entry(8m, user: "u1"));
        Assert.Equal(10m, await CostAsync(ledger, Min, Max));
        var all = await ledger.GetTotalsAsync(LlmCostDimension.All, ICostLedger.AllKey, Min, Max, Ct);
        Assert.Equal((3, 14m), (all.Calls, all.Cost));
    }

    [Fact]
    public async Task Record_AfterAKeysBucketsExpired_RemovesItsSeriesAndTheKeyRecordsAgain()
    {
        var ledger = new InMemoryCostLedger(_time, TimeSpan.FromDays(2));
        ledger.Record(Entry(1m, user: "u1"));
        _time.Advance(TimeSpan.FromDays(3));

        ledger.Record(Entry(2m, user: "u2"));

        Assert.Equal(["u2"], await ledger.GetKeysAsync(LlmCostDimension.User, Ct));
        ledger.Record(Entry(4m, user: "u1"));
        Assert.Equal(4m, await CostAsync(ledger, Min, Max));
        Assert.Equal(["u1", "u2"], (await ledger.GetKeysAsync(LlmCostDimension.User, Ct)).Order(StringComparer.Ordinal));
    }

    /// <summary>
    /// A call for a new key u1 holds u1's series, still empty, when another call crosses the hour and sweeps: the call
    /// must still be counted under u1, once.
    /// </summary>
    private async Task AssertSweepMidRecordLosesNothingAsync(Interleaving at)
    {
        var ledger = new InMemoryCostLedger(_time);
        ledger.Record(Entry(1m, user: "u0"));
        var entry = Entry(2m, user: "u1");
        _time.Advance(TimeSpan.FromHours(1));
        ledger.Interleave = (point, dimension) =>
        {
            if (point == at && dimension == LlmCostDimension.User)
            {
                ledger.Interleave = null;
                ledger.Record(Entry(4m, user: "u2"));
            }
        };

        ledger.Record(entry);

        var u1 = await ledger.GetTotalsAsync(LlmCostDimension.User, "u1", Min, Max, Ct);
        var all = await ledger.GetTotalsAsync(LlmCostDimension.All, ICostLedger.AllKey, Min, Max, Ct);
        Assert.Equal((1, 2m, 100L), (u1.Calls, u1.Cost, u1.InputTokens));
        Assert.Equal((3, 7m), (all.Calls, all.Cost));
        Assert.Equal(["u0", "u1", "u2"], (await ledger.GetKeysAsync(LlmCostDimension.User, Ct)).Order(StringComparer.Ordinal));
    }
}
