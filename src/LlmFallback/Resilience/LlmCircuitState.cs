namespace LlmFallback;

/// <summary>The state of a provider's circuit breaker.</summary>
public enum LlmCircuitState
{
    /// <summary>Calls flow normally.</summary>
    Closed = 0,

    /// <summary>Calls are refused without being made until the break ends; the provider is skipped.</summary>
    Open = 1,

    /// <summary>The break ended; one probe call is let through to decide between closing and opening again.</summary>
    HalfOpen = 2,
}
