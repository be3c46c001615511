namespace LlmFallback;

/// <summary>
/// Passive outlier detection for a provider's <see cref="LlmProviderOptions.Replicas"/>: how many failures in a row take
/// a replica out of rotation, and for how long. Bound from <c>Llm:Providers:&lt;name&gt;:ReplicaHealth</c>.
/// </summary>
/// <remarks>
/// Transport failures, 5xx and 429 responses, and timeouts count as failures; any other response resets the count.
/// An ejected replica gets one probe request when its ejection ends: a good answer puts it back in rotation, a failure
/// ejects it again for twice as long (up to <see cref="MaxEjectionTime"/>). The last replica in rotation is never
/// ejected.
/// </remarks>
public sealed class LlmReplicaHealthOptions
{
    /// <summary>Gets or sets how many failures in a row eject a replica.</summary>
    /// <value>The default is 2: one failure may be a blip, and the attempt policy's retry usually lands elsewhere anyway.</value>
    public int ConsecutiveFailures { get; set; } = 2;

    /// <summary>Gets or sets how long a replica's first ejection lasts; each further ejection doubles it.</summary>
    /// <value>The default is 10 seconds.</value>
    public TimeSpan BaseEjectionTime { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Gets or sets the longest ejection. A replica that stays in rotation this long after its last ejection starts
    /// again from <see cref="BaseEjectionTime"/>.
    /// </summary>
    /// <value>The default is 3 minutes.</value>
    public TimeSpan MaxEjectionTime { get; set; } = TimeSpan.FromMinutes(3);

    internal LlmReplicaHealthOptions Clone() => (LlmReplicaHealthOptions)MemberwiseClone();
}
