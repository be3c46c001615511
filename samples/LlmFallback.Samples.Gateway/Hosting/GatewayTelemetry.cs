using LlmFallback.Samples.Gateway.Wire;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace LlmFallback.Samples.Gateway.Hosting;

/// <summary>Health endpoints (liveness, and readiness from the providers' breaker states) and OpenTelemetry metrics and traces.</summary>
internal static class GatewayTelemetry
{
    private const string ReadyTag = "ready";

    /// <summary>
    /// Metrics always (Prometheus text at <c>/metrics</c>, and OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set);
    /// traces only when that endpoint is set, so no activity is made per request for nobody.
    /// </summary>
    public static void AddGatewayTelemetry(IServiceCollection services, IConfiguration configuration)
    {
        services.AddHealthChecks().AddLlmProvidersHealthCheck(tags: [ReadyTag]);
        var otlp = !string.IsNullOrEmpty(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("llmfallback-gateway"))
            .WithMetrics(m =>
            {
                m.AddMeter("LlmFallback", "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "Microsoft.AspNetCore.RateLimiting", "Microsoft.AspNetCore.Authentication")
                    .AddPrometheusExporter();
                if (otlp)
                {
                    m.AddOtlpExporter();
                }
            });
        if (otlp)
        {
            telemetry.WithTracing(t => t.AddSource("LlmFallback", "Microsoft.AspNetCore").AddOtlpExporter());
        }
    }

    public static void MapGatewayHealth(WebApplication app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = static _ => false, ResponseWriter = WriteAsync });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = static r => r.Tags.Contains(ReadyTag), ResponseWriter = WriteAsync });
        app.MapPrometheusScrapingEndpoint("/metrics");
    }

    /// <summary>Writes the report as JSON: overall status, and each check's status, description and data (provider breaker states).</summary>
    private static Task WriteAsync(HttpContext context, HealthReport report)
    {
        var checks = new Dictionary<string, HealthEntryBody>(report.Entries.Count, StringComparer.Ordinal);
        foreach (var (name, entry) in report.Entries)
        {
            Dictionary<string, string>? data = null;
            foreach (var (key, value) in entry.Data)
            {
                (data ??= new(StringComparer.Ordinal))[key] = value?.ToString() ?? string.Empty;
            }

            checks[name] = new HealthEntryBody { Status = entry.Status.ToString(), Description = entry.Description, Data = data };
        }

        context.Response.Headers.CacheControl = "no-store";
        return context.Response.WriteAsJsonAsync(new HealthReportBody { Status = report.Status.ToString(), Checks = checks }, GatewayJsonContext.Default.HealthReportBody, "application/json", context.RequestAborted);
    }
}
