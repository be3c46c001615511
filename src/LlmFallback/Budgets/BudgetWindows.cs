using System.Globalization;

namespace LlmFallback;

/// <summary>The counters that apply to a request: calendar days and months in UTC, and epoch-aligned custom windows.</summary>
internal static class BudgetWindows
{
    public static void AddCounters(List<LlmBudgetCounter> counters, LlmBudgetScope scope, string id, LlmBudgetLimits limits, DateTimeOffset now)
    {
        var utc = now.UtcDateTime;
        var prefix = string.Concat(ScopeName(scope), ":", id, ":");
        if (limits.Daily is { } daily)
        {
            var start = utc.Date;
            counters.Add(new(prefix + start.ToString("'d'yyyyMMdd", CultureInfo.InvariantCulture), daily, new DateTimeOffset(start.AddDays(1), TimeSpan.Zero), scope, "day"));
        }

        if (limits.Monthly is { } monthly)
        {
            var start = new DateTime(utc.Year, utc.Month, 1, 0, 0, 0, DateTimeKind.Utc);
            counters.Add(new(prefix + start.ToString("'m'yyyyMM", CultureInfo.InvariantCulture), monthly, new DateTimeOffset(start.AddMonths(1), TimeSpan.Zero), scope, "month"));
        }

        var windows = limits.Windows;
        for (var i = 0; i < windows.Count; i++)
        {
            // Aligned to the Unix epoch, not to year 1 (the two differ for a duration such as 7 days); the key's index
            // is the start over the duration, as it was for durations on which both alignments agree.
            var duration = windows[i].Duration.Ticks;
            var start = now.UtcTicks - ((((now.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) % duration) + duration) % duration);
            var end = new DateTimeOffset(start + duration, TimeSpan.Zero);
            var key = string.Create(CultureInfo.InvariantCulture, $"{prefix}w{duration / TimeSpan.TicksPerSecond}-{start / duration}");
            counters.Add(new(key, windows[i].Limit, end, scope, windows[i].Duration.ToString("c", CultureInfo.InvariantCulture)));
        }
    }

    public static string ScopeName(LlmBudgetScope scope) => scope switch
    {
        LlmBudgetScope.User => "user",
        LlmBudgetScope.Tenant => "tenant",
        LlmBudgetScope.ApiKey => "api_key",
        _ => "route",
    };
}
