using System.Diagnostics;
using BenchmarkDotNet.Attributes;

namespace LlmFallback.Benchmarks;

/// <summary>
/// What exact attempt durations cost on the machine at hand: the success path times its attempt with two
/// high-resolution timestamps, where the bookkeeping clock (breaker windows, cool-downs, retry budget) reads the
/// millisecond tick count. Baseline: the two tick-count reads an attempt used to be timed with.
/// </summary>
public class ClockBenchmarks
{
    private readonly TimeProvider _time = TimeProvider.System;

    [Benchmark(Baseline = true, Description = "two Environment.TickCount64 reads (1-4 ms steps)")]
    public long TwoTickCounts() => Environment.TickCount64 - Environment.TickCount64;

    [Benchmark(Description = "two TimeProvider.System timestamps (what an attempt costs)")]
    public TimeSpan TwoTimestamps()
    {
        var start = _time.GetTimestamp();
        return _time.GetElapsedTime(start);
    }

    [Benchmark(Description = "two Stopwatch.GetTimestamp reads")]
    public long TwoStopwatchReads() => Stopwatch.GetTimestamp() - Stopwatch.GetTimestamp();
}
