namespace LlmFallback;

/// <summary>One replica of a self-hosted provider: the same model served at another base address.</summary>
public sealed class LlmReplicaOptions
{
    /// <summary>Gets or sets the replica's base address (for example <c>http://10.0.0.12:8000/v1</c>).</summary>
    /// <value>The default is <see langword="null"/>; required.</value>
    public Uri? Endpoint { get; set; }

    /// <summary>Gets or sets the replica's share of traffic relative to the others.</summary>
    /// <value>The default is 1.</value>
    public int Weight { get; set; } = 1;
}

/// <summary>How requests are spread over a provider's replicas.</summary>
public enum LlmReplicaBalancing
{
    /// <summary>The healthy replica with the fewest requests in flight relative to its weight.</summary>
    LeastInFlight = 0,

    /// <summary>Healthy replicas in proportion to their weights (smooth weighted round-robin).</summary>
    Weighted = 1,
}
