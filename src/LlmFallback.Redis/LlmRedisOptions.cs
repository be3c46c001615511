namespace LlmFallback.Redis;

/// <summary>How LlmFallback reaches Redis for shared state. Bound from <c>Llm:Redis</c>.</summary>
public sealed class LlmRedisOptions
{
    /// <summary>Gets or sets the StackExchange.Redis configuration string, for example <c>redis:6379,password=...</c>.</summary>
    /// <value>The default is <see langword="null"/>; required unless a connection is given in code. Never logged.</value>
    public string? Configuration { get; set; }

    /// <summary>
    /// Gets or sets the prefix of every key LlmFallback writes. On Redis Cluster, use a hash tag (for example
    /// <c>{llmfallback}:</c>) so the keys one request updates live in one slot, as the Lua scripts require.
    /// </summary>
    /// <value>The default is <c>llmfallback:</c>.</value>
    public string KeyPrefix { get; set; } = "llmfallback:";

    /// <summary>Gets or sets how long a Redis command may take before the in-memory state answers instead.</summary>
    /// <value>The default is 1 second.</value>
    public TimeSpan OperationTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Gets or sets how long the in-memory state serves alone after Redis failed, before Redis is tried again (so an
    /// outage costs one failed command per interval, not one per request).
    /// </summary>
    /// <value>The default is 5 seconds.</value>
    public TimeSpan RetryInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Gets or sets how often each instance reads its providers' shared cool-downs and breaker openings from Redis, to
    /// catch up on what it missed while starting or disconnected (published changes arrive at once in between).
    /// </summary>
    /// <value>The default is 2 seconds.</value>
    public TimeSpan HealthSyncInterval { get; set; } = TimeSpan.FromSeconds(2);
}
