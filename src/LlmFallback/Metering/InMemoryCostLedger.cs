using System.Collections.Concurrent;

namespace LlmFallback;

/// <summary>
/// The default <see cref="ICostLedger"/>: totals in process memory, by the hour for the last
/// <see cref="HourlyResolutionPeriod"/> and by the UTC day for up to the retention period. Recording takes no lock.
/// </summary>
/// <remarks>
/// A period that starts within the last 48 hours is summed from hourly buckets (its ends rounded out to whole hours);
/// an older one from daily buckets (whole UTC days). Totals are lost on restart and are not shared between instances.
/// </remarks>
public sealed partial class InMemoryCostLedger : ICostLedger
{
    /// <summary>How far back totals are kept by the hour.</summary>
    public static readonly TimeSpan HourlyResolutionPeriod = TimeSpan.FromHours(48);

    private const long TicksPerHour = TimeSpan.TicksPerHour;
    private const long TicksPerDay = TimeSpan.TicksPerDay;
    private const int HourlyBuckets = 48;

    private readonly ConcurrentDictionary<(LlmCostDimension, string), CostSeries> _series = new();
    private readonly TimeProvider _time;
    private readonly int _retentionDays;
    private long _lastSweepHour;

    /// <summary>Initializes a new instance of the <see cref="InMemoryCostLedger"/> class.</summary>
    /// <param name="timeProvider">The clock; <see langword="null"/> for <see cref="TimeProvider.System"/>.</param>
    /// <param name="retention">How long daily totals are kept; <see langword="null"/> for 35 days.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="retention"/> is shorter than 2 days or longer than 400 days.</exception>
    public InMemoryCostLedger(TimeProvider? timeProvider = null, TimeSpan? retention = null)
    {
        var keep = retention ?? TimeSpan.FromDays(35);
        if (keep < TimeSpan.FromDays(2) || keep > TimeSpan.FromDays(400))
        {
            throw new ArgumentOutOfRangeException(nameof(retention), keep, "The retention must be between 2 and 400 days.");
        }

        _time = timeProvider ?? TimeProvider.System;
        _retentionDays = (int)Math.Ceiling(keep.TotalDays);
    }

    /// <summary>Where a recorder and a sweep can interleave (for tests).</summary>
    internal enum Interleaving
    {
        /// <summary>A recorder holds a key's series and has not entered it.</summary>
        SeriesFound,

        /// <summary>A recorder has entered a key's series and not yet added to it.</summary>
        SeriesEntered,

        /// <summary>A sweep found a series empty and has not yet retired it.</summary>
        SweepFoundEmpty,
    }

    /// <summary>Gets or sets what to run at each <see cref="Interleaving"/> point, with the series' dimension (for tests).</summary>
    internal Action<Interleaving, LlmCostDimension>? Interleave { get; set; }

    /// <inheritdoc />
    public void Record(in LlmCostEntry entry)
    {
        var hour = entry.Timestamp.UtcTicks / TicksPerHour;
        var day = entry.Timestamp.UtcTicks / TicksPerDay;
        var cost = ToNanos(entry.Cost);
        var saved = ToNanos(entry.CostSaved);
        Add(LlmCostDimension.All, ICostLedger.AllKey, in entry, hour, day, cost, saved);
        Add(LlmCostDimension.User, entry.User, in entry, hour, day, cost, saved);
        Add(LlmCostDimension.Tenant, entry.Tenant, in entry, hour, day, cost, saved);
        Add(LlmCostDimension.ApiKey, entry.ApiKeyId, in entry, hour, day, cost, saved);
        Add(LlmCostDimension.Route, entry.Route, in entry, hour, day, cost, saved);
        Add(LlmCostDimension.Model, entry.Model, in entry, hour, day, cost, saved);
        Add(LlmCostDimension.Provider, entry.Provider, in entry, hour, day, cost, saved);

        var nowHour = _time.GetUtcNow().UtcTicks / TicksPerHour;
        var last = Volatile.Read(ref _lastSweepHour);
        if (nowHour > last && Interlocked.CompareExchange(ref _lastSweepHour, nowHour, last) == last)
        {
            Sweep(nowHour);
        }
    }

    /// <inheritdoc />
    public ValueTask<LlmCostTotals> GetTotalsAsync(LlmCostDimension dimension, string key, DateTimeOffset since, DateTimeOffset until, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (until <= since || !_series.TryGetValue((dimension, key), out var series))
        {
            return new(default(LlmCostTotals));
        }

        // The buckets that exist are summed (at most 48 hours, or the retention in days), not every index of the
        // period: "since X" with until = DateTimeOffset.MaxValue would otherwise be ~88 million hourly look-ups.
        var firstHourly = (_time.GetUtcNow().UtcTicks / TicksPerHour) - HourlyBuckets + 1;
        var sum = new CostSum();
        if (since.UtcTicks / TicksPerHour >= firstHourly)
        {
            sum.Add(series.Hours, since.UtcTicks / TicksPerHour, TicksPerHour, until.UtcTicks);
        }
        else
        {
            sum.Add(series.Days, since.UtcTicks / TicksPerDay, TicksPerDay, until.UtcTicks);
        }

        return new(sum.ToTotals());
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<string>> GetKeysAsync(LlmCostDimension dimension, CancellationToken cancellationToken = default)
    {
        var keys = new List<string>();
        foreach (var entry in _series)
        {
            if (entry.Key.Item1 == dimension)
            {
                keys.Add(entry.Key.Item2);
            }
        }

        return new(keys);
    }

    /// <summary>US dollars in nano-dollars, saturated at the range of a long (about ±9.2 billion dollars) instead of throwing.</summary>
    internal static long ToNanos(decimal? usd) =>
        usd is { } v ? (long)decimal.Round(Math.Clamp(v, long.MinValue / 1_000_000_000m, long.MaxValue / 1_000_000_000m) * 1_000_000_000m, MidpointRounding.AwayFromZero) : 0;

    internal static decimal FromNanos(long nanos) => nanos / 1_000_000_000m;

    private void Add(LlmCostDimension dimension, string? key, in LlmCostEntry entry, long hour, long day, long cost, long saved)
    {
        if (key is null)
        {
            return;
        }

        var spin = default(SpinWait);
        while (true)
        {
            var series = _series.GetOrAdd((dimension, key), static _ => new CostSeries());
            Interleave?.Invoke(Interleaving.SeriesFound, dimension);
            if (series.TryEnter())
            {
                Interleave?.Invoke(Interleaving.SeriesEntered, dimension);
                series.Hours.GetOrAdd(hour, static _ => new CostBucket()).Add(in entry, cost, saved);
                series.Days.GetOrAdd(day, static _ => new CostBucket()).Add(in entry, cost, saved);
                series.Exit();
                return;
            }

            // A sweep retired this series as idle and is taking it out (or, if a call landed in it, putting it back).
            spin.SpinOnce();
        }
    }

    private void Sweep(long nowHour)
    {
        var oldestHour = nowHour - HourlyBuckets;
        var oldestDay = (nowHour * TicksPerHour / TicksPerDay) - _retentionDays;
        foreach (var (key, series) in _series)
        {
            foreach (var hour in series.Hours.Keys)
            {
                if (hour <= oldestHour)
                {
                    series.Hours.TryRemove(hour, out _);
                }
            }

            foreach (var day in series.Days.Keys)
            {
                if (day <= oldestDay)
                {
                    series.Days.TryRemove(day, out _);
                }
            }

            // A new key's series is empty until its first call adds to it: only a series no call is inside is retired,
            // and one that a call finished in since the check above is put back.
            if (series.IsEmpty)
            {
                Interleave?.Invoke(Interleaving.SweepFoundEmpty, key.Item1);
                if (series.TryRetire())
                {
                    if (series.IsEmpty)
                    {
                        _series.TryRemove(new KeyValuePair<(LlmCostDimension, string), CostSeries>(key, series));
                    }
                    else
                    {
                        series.Unretire();
                    }
                }
            }
        }
    }
}
