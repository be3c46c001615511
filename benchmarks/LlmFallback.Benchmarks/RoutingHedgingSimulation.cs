using System.Collections.Concurrent;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using LlmFallback;

namespace LlmFallback.Benchmarks;

/// <summary>
/// A simulated heavy-tailed deployment on a fake clock (not wall-clock latency): 100,000 requests at 100 per second,
/// each call's latency log-normal (median 800 ms, σ 0.4) and 2% of calls ten times slower, two such deployments.
/// Without hedging a request takes its first call's latency; with hedging (the fallback stage's own rule: adaptive
/// delay at the deployment's recent p95 from its <c>LatencyTracker</c>, budget 10% through <c>LlmRetryBudget</c>)
/// a request still unanswered at the delay also calls the second deployment and takes the first answer. The p50, p99
/// and extra load columns are the simulation's results; the timing columns only measure the simulation itself.
/// </summary>
[Config(typeof(SimulationConfig))]
public class RoutingHedgingSimulation
{
    private static readonly ConcurrentDictionary<bool, SimulationResult> Results = new();

    [Params(false, true)]
    public bool Hedging { get; set; }

    [Benchmark]
    public SimulationResult Simulate() => Run(Hedging, requests: 10_000);

    internal static SimulationResult Cached(bool hedging) => Results.GetOrAdd(hedging, static h => Run(h, requests: 100_000));

    internal static SimulationResult Run(bool hedging, int requests)
    {
        var clock = new SimulationClock();
        var primary = new LlmProvider("primary", new AnsweringClient(), null, null, clock);
        var secondary = new LlmProvider("secondary", new AnsweringClient(), null, null, clock);
        primary.TrackLoad();
        secondary.TrackLoad();
        var plan = HedgePlan.Create(new HedgingOptions { Enabled = true, DelayMode = LlmTimingMode.Auto, Percentile = 0.95, MaxHedgeRatio = 0.1 }, clock)!;
        var random = new Random(7);
        var latencies = new double[requests];
        var hedges = 0;
        for (var i = 0; i < requests; i++)
        {
            clock.Advance(10);
            plan.Budget.RecordRequest(clock.GetTimestamp());
            var first = Sample(random);
            var latency = first;
            var answeredByPrimary = true;
            if (hedging)
            {
                var delay = plan.DelayFor(primary, streaming: false).TotalMilliseconds;
                if (first > delay && plan.Budget.TryAcquireRetry())
                {
                    hedges++;
                    var second = Sample(random);
                    if (delay + second < first)
                    {
                        latency = delay + second;
                        answeredByPrimary = false;
                        secondary.RecordLatency(TimeSpan.FromMilliseconds(second));
                    }
                }
            }

            if (answeredByPrimary)
            {
                primary.RecordLatency(TimeSpan.FromMilliseconds(first));
            }

            latencies[i] = latency;
        }

        Array.Sort(latencies);
        return new SimulationResult(latencies[requests / 2], latencies[(int)(requests * 0.99)], (double)hedges / requests);
    }

    private static double Sample(Random random)
    {
        // Box-Muller normal, then log-normal around a median of 800 ms; 2% of calls ten times slower.
        var normal = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
        var latency = 800 * Math.Exp(0.4 * normal);
        return random.NextDouble() < 0.02 ? latency * 10 : latency;
    }

    public sealed record SimulationResult(double P50, double P99, double ExtraLoad);

    private sealed class SimulationClock : TimeProvider
    {
        private long _now = 1;

        public override long TimestampFrequency => 1000;

        public override long GetTimestamp() => _now;

        public void Advance(long milliseconds) => _now += milliseconds;
    }

    private sealed class SimulationConfig : ManualConfig
    {
        public SimulationConfig()
        {
            AddColumn(new ResultColumn("p50 (sim, ms)", r => r.P50.ToString("F0", System.Globalization.CultureInfo.InvariantCulture)));
            AddColumn(new ResultColumn("p99 (sim, ms)", r => r.P99.ToString("F0", System.Globalization.CultureInfo.InvariantCulture)));
            AddColumn(new ResultColumn("extra load", r => r.ExtraLoad.ToString("P1", System.Globalization.CultureInfo.InvariantCulture)));
        }
    }

    private sealed class ResultColumn(string name, Func<SimulationResult, string> format) : IColumn
    {
        public string Id => name;

        public string ColumnName => name;

        public bool AlwaysShow => true;

        public ColumnCategory Category => ColumnCategory.Custom;

        public int PriorityInCategory => 0;

        public bool IsNumeric => true;

        public UnitType UnitType => UnitType.Dimensionless;

        public string Legend => "Result of the simulated deployment (100,000 requests on a fake clock)";

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase) =>
            format(Cached(benchmarkCase.Parameters["Hedging"] is true));

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) => GetValue(summary, benchmarkCase);

        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

        public bool IsAvailable(Summary summary) => true;
    }
}
