using LlmFallback;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the LLM providers' health check.</summary>
public static class LlmFallbackHealthChecksBuilderExtensions
{
    /// <summary>
    /// Adds a health check reporting every registered provider's breaker state and recent error rate, and whether the
    /// shared state is reachable (see <see cref="LlmProvidersHealthCheck"/> for the rules).
    /// </summary>
    /// <param name="builder">The health checks builder.</param>
    /// <param name="name">The check's name.</param>
    /// <param name="failureStatus">The status when no provider is available; <see langword="null"/> for <see cref="HealthStatus.Unhealthy"/>.</param>
    /// <param name="tags">Tags for filtering checks.</param>
    /// <param name="configure">Sets the error-rate thresholds; validated here (the message names the option).</param>
    /// <returns>The builder.</returns>
    public static IHealthChecksBuilder AddLlmProvidersHealthCheck(
        this IHealthChecksBuilder builder,
        string name = "llm-providers",
        HealthStatus? failureStatus = null,
        IEnumerable<string>? tags = null,
        Action<LlmProvidersHealthCheckOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var options = new LlmProvidersHealthCheckOptions();
        configure?.Invoke(options);
        var errors = new List<string>();
        LlmProvidersHealthCheckOptions.Validate(options, errors);
        LlmOptionsValidation.ThrowIfAny(errors, nameof(configure));
        return builder.Add(new HealthCheckRegistration(name, sp => new LlmProvidersHealthCheck(sp.GetRequiredService<LlmProviderRegistry>(), options), failureStatus, tags));
    }
}
