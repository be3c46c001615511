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
}
