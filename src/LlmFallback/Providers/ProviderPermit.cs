namespace LlmFallback;

/// <summary>Why a provider refused a call permit.</summary>
internal enum LlmRefusal : byte
{
    None = 0,

    /// <summary>Its upstream asked to wait (a <c>Retry-After</c>); never overridden.</summary>
    CoolingDown = 1,

    /// <summary>Its breaker is open.</summary>
    CircuitOpen = 2,

    /// <summary>Its breaker is half-open and its one probe is out.</summary>
    Probing = 3,

    /// <summary>Its upstream is returning from a cool-down or an outage and its slow-start slots are taken.</summary>
    Ramping = 4,

    /// <summary>It is at its declared per-minute limit (requests or tokens).</summary>
    ProviderLimit = 5,
}

/// <summary>
/// The right to make one call to a provider, and the obligation to report how it went exactly once: the breaker's
/// probe id, the upstream's ramp slot, and the breaker sequence at the start. A value type kept in the request, so a
/// call costs no allocation; every report clears what it settled, so a second report of the same permit does nothing.
/// </summary>
internal struct ProviderPermit
{
    public LlmProvider? Provider;

    /// <summary>The breaker's probe id, or 0 when the breaker was closed.</summary>
    public long Probe;

    /// <summary>The breaker's failure sequence when the call started (its streak rule).</summary>
    public long Sequence;

    /// <summary>When the call started: its cohort in the breaker's window.</summary>
    public long Started;

    /// <summary>The upstream's ramp epoch while the call holds a ramp slot, else 0.</summary>
    public int RampEpoch;

    /// <summary>Whether the call was let through in panic mode, past an open breaker.</summary>
    public bool Panic;

    /// <summary>Whether the call is counted in its provider's calls in flight (load tracking was on when it started).</summary>
    public bool Counted;

    /// <summary>Gets a value indicating whether the breaker still waits for this call's verdict.</summary>
    public readonly bool Held => Provider is not null;
}
