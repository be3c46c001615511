using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace LlmFallback;

/// <summary>
/// Reports provider availability: healthy when every provider accepts calls, degraded when some are open or
/// cooling down, unhealthy when none is available. The data holds each provider's breaker state.
/// </summary>
public sealed class LlmProvidersHealthCheck : IHealthCheck
{
    private readonly LlmProviderRegistry _registry;

    /// <summary>Initializes a new instance of the <see cref="LlmProvidersHealthCheck"/> class.</summary>
    /// <param name="registry">The providers to report on.</param>
    public LlmProvidersHealthCheck(LlmProviderRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        _registry = registry;
    }

    /// <inheritdoc />
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var data = new Dictionary<string, object>(StringComparer.Ordinal);
        var available = 0;
        var providers = _registry.Providers;
        foreach (var provider in providers)
        {
            var health = provider.GetHealth();
            data[provider.Name] = health.IsCoolingDown ? "cooling_down" : LlmFallbackDiagnostics.StateName(health.State);
            if (health.IsAvailable)
            {
                available++;
            }
        }

        var result = available == providers.Count
            ? HealthCheckResult.Healthy($"{available} of {providers.Count} LLM providers available.", data)
            : available > 0
                ? HealthCheckResult.Degraded($"{available} of {providers.Count} LLM providers available.", data: data)
                : new HealthCheckResult(context?.Registration?.FailureStatus ?? HealthStatus.Unhealthy, $"No LLM provider is available ({providers.Count} registered).", data: data);
        return Task.FromResult(result);
    }
}
