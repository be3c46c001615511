using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace LlmFallback.Tests.Metering;

/// <summary>
/// Collects the <c>LlmFallback</c> meter's metrics with the OpenTelemetry SDK and its in-memory exporter, as an
/// application would export them. Tests run in parallel, so points are read by a tag value unique to the test.
/// </summary>
internal sealed class TelemetryCapture : IDisposable
{
    private readonly List<Metric> _metrics = [];
    private readonly MeterProvider _provider;

    public TelemetryCapture()
    {
        _provider = Sdk.CreateMeterProviderBuilder()
            .AddMeter(LlmFallbackDiagnostics.Name)
            .AddInMemoryExporter(_metrics)
            .Build();
    }

    /// <summary>Flushes, then returns the instrument's unit and its points whose tags contain <paramref name="tag"/>.</summary>
    public (string Unit, List<(double Value, Dictionary<string, object?> Tags)> Points) Read(string instrument, KeyValuePair<string, object?> tag)
    {
        // Each flush exports every (cumulative) metric again: keep only the latest export.
        _metrics.Clear();
        _provider.ForceFlush();
        var unit = string.Empty;
        var points = new List<(double, Dictionary<string, object?>)>();
        foreach (var metric in _metrics)
        {
            if (metric.Name != instrument)
            {
                continue;
            }

            unit = metric.Unit;
            foreach (ref readonly var point in metric.GetMetricPoints())
            {
                var tags = new Dictionary<string, object?>(StringComparer.Ordinal);
                foreach (var t in point.Tags)
                {
                    tags[t.Key] = t.Value;
                }

                if (tags.TryGetValue(tag.Key, out var value) && Equals(value, tag.Value))
                {
                    points.Add((metric.MetricType == MetricType.DoubleSum ? point.GetSumDouble() : point.GetSumLong(), tags));
                }
            }
        }

        return (unit, points);
    }

    public void Dispose() => _provider.Dispose();
}
