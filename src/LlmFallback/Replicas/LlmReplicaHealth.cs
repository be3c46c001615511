namespace LlmFallback;

/// <summary>Whether a replica takes requests.</summary>
public enum LlmReplicaState
{
    /// <summary>In rotation: the replica takes its share of requests.</summary>
    Healthy = 0,

    /// <summary>Taken out after consecutive failures; one probe request is let through when <see cref="LlmReplicaHealth.AvailableAt"/> is reached.</summary>
    Ejected = 1,

    /// <summary>Its server answered 429 (or 503) with <c>Retry-After</c>; back in rotation at <see cref="LlmReplicaHealth.AvailableAt"/>.</summary>
    CoolingDown = 2,
}

/// <summary>A point-in-time view of one replica of a provider, for health checks and diagnostics.</summary>
public sealed class LlmReplicaHealth
{
    internal LlmReplicaHealth(Uri endpoint, int weight, LlmReplicaState state, int inFlight, int consecutiveFailures, int ejections, DateTimeOffset? availableAt, bool isProbing, LlmFailureKind? lastFailureKind)
    {
        Endpoint = endpoint;
        Weight = weight;
        State = state;
        InFlight = inFlight;
        ConsecutiveFailures = consecutiveFailures;
        Ejections = ejections;
        AvailableAt = availableAt;
        IsProbing = isProbing;
        LastFailureKind = lastFailureKind;
    }

    /// <summary>Gets the replica's base address, without userinfo.</summary>
    public Uri Endpoint { get; }

    /// <summary>Gets the replica's configured weight.</summary>
    public int Weight { get; }

    /// <summary>Gets whether the replica takes requests.</summary>
    public LlmReplicaState State { get; }

    /// <summary>Gets how many requests are on the replica now, streamed response bodies included.</summary>
    public int InFlight { get; }

    /// <summary>Gets how many requests in a row have failed on the replica.</summary>
    public int ConsecutiveFailures { get; }

    /// <summary>Gets how many times the replica was ejected recently; each ejection lasts twice as long as the previous one, up to the maximum.</summary>
    public int Ejections { get; }

    /// <summary>Gets when an ejected or cooling replica takes requests again (its probe, for an ejected one); <see langword="null"/> when healthy.</summary>
    public DateTimeOffset? AvailableAt { get; }

    /// <summary>Gets a value indicating whether a probe request is on the ejected replica now.</summary>
    public bool IsProbing { get; }

    /// <summary>Gets the class of the replica's last failure, if any.</summary>
    public LlmFailureKind? LastFailureKind { get; }

    /// <summary>Returns the address, state and load; log-safe.</summary>
    /// <returns>A description.</returns>
    public override string ToString() => $"{Endpoint} {State} in-flight={InFlight}";
}
