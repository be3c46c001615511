namespace LlmFallback;

/// <summary>A point-in-time view of a provider's availability, for health checks, dashboards and routing.</summary>
public sealed class LlmProviderHealth
{
    internal LlmProviderHealth(string provider, LlmCircuitState state, DateTimeOffset? availableAt, bool coolingDown, int consecutiveFailures, LlmFailureKind? lastFailureKind)
    {
        Provider = provider;
        State = state;
        AvailableAt = availableAt;
        IsCoolingDown = coolingDown;
        ConsecutiveFailures = consecutiveFailures;
        LastFailureKind = lastFailureKind;
    }

    /// <summary>Gets the provider's name.</summary>
    public string Provider { get; }

    /// <summary>Gets the circuit breaker's state.</summary>
    public LlmCircuitState State { get; }

    /// <summary>Gets when the provider accepts traffic again, if it is open or cooling down; otherwise <see langword="null"/>.</summary>
    public DateTimeOffset? AvailableAt { get; }

    /// <summary>Gets a value indicating whether the provider's upstream is cooling down after a <c>Retry-After</c>.</summary>
    public bool IsCoolingDown { get; }

    /// <summary>Gets how many calls in a row have failed.</summary>
    public int ConsecutiveFailures { get; }

    /// <summary>Gets the class of the last failure the breaker counted, if any.</summary>
    public LlmFailureKind? LastFailureKind { get; }

    /// <summary>Gets a value indicating whether a call would be attempted now (closed or half-open, and not cooling down).</summary>
    public bool IsAvailable => AvailableAt is null;
}
