namespace LlmFallback.Tests.Budgets;

public sealed class BudgetWindowsTests
{
    [Fact]
    public void AddCounters_LastSecondOfTheYear_DayAndMonthEndAtMidnightUtc()
    {
        var now = new DateTimeOffset(2026, 12, 31, 23, 59, 59, TimeSpan.FromHours(-5));
        var counters = new List<LlmBudgetCounter>();
        var limits = new LlmBudgetLimits { Daily = 1m, Monthly = 10m };
        limits.Windows.Add(new LlmBudgetWindow { Duration = TimeSpan.FromHours(6), Limit = 0.5m });

        BudgetWindows.AddCounters(counters, LlmBudgetScope.Tenant, "acme", limits, now);

        // 23:59:59 at UTC-5 is 04:59:59 UTC on January 1st.
        Assert.Equal(
            [
                new LlmBudgetCounter("tenant:acme:d20270101", 1m, new DateTimeOffset(2027, 1, 2, 0, 0, 0, TimeSpan.Zero), LlmBudgetScope.Tenant, "day"),
                new LlmBudgetCounter("tenant:acme:m202701", 10m, new DateTimeOffset(2027, 2, 1, 0, 0, 0, TimeSpan.Zero), LlmBudgetScope.Tenant, "month"),
                new LlmBudgetCounter($"tenant:acme:w21600-{now.UtcTicks / TimeSpan.FromHours(6).Ticks}", 0.5m, new DateTimeOffset(2027, 1, 1, 6, 0, 0, TimeSpan.Zero), LlmBudgetScope.Tenant, "06:00:00"),
            ],
            counters);
    }

    [Fact]
    public void AddCounters_WeekWindow_IsAlignedToTheUnixEpoch()
    {
        // 1970-01-01 was a Thursday, and so is 2026-12-03: a 7-day window aligned to the epoch starts today at midnight.
        var now = new DateTimeOffset(2026, 12, 3, 0, 30, 0, TimeSpan.Zero);
        var counters = new List<LlmBudgetCounter>();
        var limits = new LlmBudgetLimits();
        limits.Windows.Add(new LlmBudgetWindow { Duration = TimeSpan.FromDays(7), Limit = 5m });

        BudgetWindows.AddCounters(counters, LlmBudgetScope.User, "u1", limits, now);

        var counter = Assert.Single(counters);
        Assert.Equal(new DateTimeOffset(2026, 12, 10, 0, 0, 0, TimeSpan.Zero), counter.ResetsAt);
        var justBefore = new List<LlmBudgetCounter>();
        BudgetWindows.AddCounters(justBefore, LlmBudgetScope.User, "u1", limits, now.AddHours(-1));
        Assert.NotEqual(counter.Key, Assert.Single(justBefore).Key);
    }
}
