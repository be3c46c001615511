using System.Globalization;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace LlmFallback;

/// <summary>
/// Reports provider availability. Healthy when every provider accepts calls, fails less than
/// <see cref="LlmProvidersHealthCheckOptions.DegradedErrorRate"/> of its recent calls, and the shared state (Redis,
/// when registered) is reachable; degraded when some provider is open, cooling down or failing that often, or the
/// shared state is unreachable; the registration's failure status (unhealthy by default) when no provider is usable:
/// each is unavailable or fails at least <see cref="LlmProvidersHealthCheckOptions.UnhealthyErrorRate"/> of its calls.
/// The data holds each provider's breaker state (<c>closed</c>, <c>open</c>, <c>half_open</c>, <c>cooling_down</c>),
/// its recent error rate (<c>&lt;name&gt;.error_rate</c>) once it has calls in its window, and
/// <c>shared_state</c> = <c>unreachable</c> while the shared store is down.
/// </summary>
public sealed class LlmProvidersHealthCheck : IHealthCheck
{
    private readonly LlmProviderRegistry _registry;
    private readonly LlmProvidersHealthCheckOptions _options;

    /// <summary>Initializes a new instance of the <see cref="LlmProvidersHealthCheck"/> class.</summary>
    /// <param name="registry">The providers to report on.</param>
    /// <param name="options">The thresholds; <see langword="null"/> for the defaults. The values are copied.</param>
    /// <exception cref="ArgumentNullException"><paramref name="registry"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A threshold is out of range; the message names it.</exception>
    public LlmProvidersHealthCheck(LlmProviderRegistry registry, LlmProvidersHealthCheckOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(registry);
        options ??= new();
        var errors = new List<string>();
        LlmProvidersHealthCheckOptions.Validate(options, errors);
        LlmOptionsValidation.ThrowIfAny(errors, nameof(options));
        _registry = registry;
        _options = new LlmProvidersHealthCheckOptions
        {
            DegradedErrorRate = options.DegradedErrorRate,
            UnhealthyErrorRate = options.UnhealthyErrorRate,
            MinimumCalls = options.MinimumCalls,
        };
    }

    /// <inheritdoc />
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var data = new Dictionary<string, object>(StringComparer.Ordinal);
        int available = 0, usable = 0, failing = 0;
        var providers = _registry.Providers;
        foreach (var provider in providers)
        {
            var health = provider.GetHealth();
            data[provider.Name] = health.IsCoolingDown ? "cooling_down" : LlmFallbackDiagnostics.StateName(health.State);
            var (calls, failed) = provider.Breaker.GetWindow(provider.Clock.Now);
            var rate = calls == 0 ? 0 : (double)failed / calls;
            if (calls > 0)
            {
                data[provider.Name + ".error_rate"] = Math.Round(rate, 3);
            }

            var judged = calls >= _options.MinimumCalls;
            if (health.IsAvailable)
            {
                available++;
                failing += judged && rate >= _options.DegradedErrorRate ? 1 : 0;
                usable += judged && rate >= _options.UnhealthyErrorRate ? 0 : 1;
            }
        }

        var sharedDown = _registry.SharedHealth is { IsDegraded: true };
        if (sharedDown)
        {
            data["shared_state"] = "unreachable";
        }

        var summary = string.Create(CultureInfo.InvariantCulture, $"{available} of {providers.Count} LLM providers available");
        var result = providers.Count > 0 && usable == 0
            ? new HealthCheckResult(
                context?.Registration?.FailureStatus ?? HealthStatus.Unhealthy,
                available == 0
                    ? string.Create(CultureInfo.InvariantCulture, $"No LLM provider is available ({providers.Count} registered).")
                    : summary + ", but every one is failing.",
                data: data)
            : available < providers.Count || failing > 0 || sharedDown
                ? HealthCheckResult.Degraded(Describe(summary, failing, sharedDown), data: data)
                : HealthCheckResult.Healthy(summary + ".", data);
        return Task.FromResult(result);
    }

    private static string Describe(string summary, int failing, bool sharedDown) =>
        summary
        + (failing > 0 ? string.Create(CultureInfo.InvariantCulture, $"; {failing} failing often") : string.Empty)
        + (sharedDown ? "; shared state unreachable, each instance on its own" : string.Empty)
        + ".";
}
