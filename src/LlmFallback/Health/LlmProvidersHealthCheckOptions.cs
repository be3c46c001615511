namespace LlmFallback;

/// <summary>
/// When <see cref="LlmProvidersHealthCheck"/> reports degraded or unhealthy, beyond breaker states and cool-downs: a
/// provider's recent error rate (the failures in its breaker's sampling window) and whether the shared state (Redis)
/// is reachable.
/// </summary>
public sealed class LlmProvidersHealthCheckOptions
{
    /// <summary>Gets or sets the recent error rate at which an available provider makes the check degraded.</summary>
    /// <value>The default is 0.25.</value>
    public double DegradedErrorRate { get; set; } = 0.25;

    /// <summary>
    /// Gets or sets the recent error rate at which a provider no longer counts as usable: when no provider is usable
    /// (each unavailable or failing at this rate), the check reports the registration's failure status.
    /// </summary>
    /// <value>The default is 0.9.</value>
    public double UnhealthyErrorRate { get; set; } = 0.9;

    /// <summary>Gets or sets how many calls a provider's window must hold before its error rate is judged.</summary>
    /// <value>The default is 10.</value>
    public int MinimumCalls { get; set; } = 10;

    internal static void Validate(LlmProvidersHealthCheckOptions options, List<string> errors)
    {
        const string prefix = "LlmProvidersHealthCheckOptions";
        if (!(options.DegradedErrorRate > 0 && options.DegradedErrorRate <= 1))
        {
            errors.Add($"{prefix}.DegradedErrorRate must be greater than 0 and at most 1 (was {LlmOptionsValidation.Format(options.DegradedErrorRate)}).");
        }

        if (!(options.UnhealthyErrorRate >= options.DegradedErrorRate && options.UnhealthyErrorRate <= 1))
        {
            errors.Add($"{prefix}.UnhealthyErrorRate must be at least DegradedErrorRate and at most 1 (was {LlmOptionsValidation.Format(options.UnhealthyErrorRate)}).");
        }

        LlmOptionsValidation.Range(options.MinimumCalls, 1, 1_000_000, $"{prefix}.MinimumCalls", errors);
    }
}
