namespace LlmFallback;

/// <summary>Where a replica stands.</summary>
internal enum ReplicaStatus
{
    InRotation = 0,
    Ejected = 1,
    CoolingDown = 2,
}

/// <summary>
/// One replica's identity and mutable health. Requests read the fields with <see cref="Volatile"/> and change counters
/// with <see cref="Interlocked"/>; status changes happen under the owning pool's lock.
/// </summary>
internal sealed class Replica
{
    public int InFlight;
    public int ConsecutiveFailures;
    public int Status;
    public long AvailableAt;
    public int Probing;
    public long ProbeStarted;
    public int Ejections;
    public long ReturnedAt;
    public int LastFailure;

    public Replica(int index, ReplicaEndpoint endpoint, int weight)
    {
        Index = index;
        Endpoint = endpoint;
        Weight = weight;
    }

    public int Index { get; }

    public ReplicaEndpoint Endpoint { get; }

    public int Weight { get; }

    public bool InRotation => Volatile.Read(ref Status) == (int)ReplicaStatus.InRotation;

    public override string ToString() => Endpoint.Prefix;
}

/// <summary>
/// The replica a request was sent to. <see cref="Probe"/>: the request was sent while the replica was out of rotation
/// (its probe, or the soonest replica when none was in rotation), so its verdict moves the replica in or out.
/// <see cref="Claimed"/>: it holds the replica's single probe permit.
/// </summary>
internal readonly record struct ReplicaPick(Replica Replica, bool Probe, bool Claimed)
{
    /// <summary>The same pick once the response headers gave their verdict: what the body does is ordinary traffic.</summary>
    public ReplicaPick AfterHeaders() => this with { Probe = false, Claimed = false };
}
