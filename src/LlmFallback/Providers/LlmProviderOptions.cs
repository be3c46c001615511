namespace LlmFallback;

/// <summary>
/// One named provider: which adapter, which model, where, with which key, what the model can do, what it costs,
/// and how it is called. Bound from <c>Llm:Providers:&lt;name&gt;</c>.
/// </summary>
public sealed class LlmProviderOptions
{
    /// <summary>Gets or sets the adapter type, such as <c>OpenAI</c>, <c>AzureOpenAI</c>, <c>OpenAICompatible</c>, <c>Anthropic</c> or <c>Gemini</c>.</summary>
    /// <value>The default is <see langword="null"/>; required for providers declared only in configuration.</value>
    public string? Type { get; set; }

    /// <summary>Gets or sets the model (or deployment) this provider serves.</summary>
    /// <value>The default is <see langword="null"/>.</value>
    public string? Model { get; set; }

    /// <summary>Gets or sets the base address of the provider's API, when not the adapter's default.</summary>
    /// <value>The default is <see langword="null"/>.</value>
    public Uri? Endpoint { get; set; }

    /// <summary>Gets or sets the API key. Prefer the conventional environment variable or a secret store to a committed file.</summary>
    /// <value>The default is <see langword="null"/>. The key is never logged and never put in an exception message.</value>
    public string? ApiKey { get; set; }

    /// <summary>
    /// Gets or sets the name of the upstream this provider shares with others (for example several deployments behind
    /// one rate limit). A <c>Retry-After</c> from one puts every provider with the same upstream into cool-down.
    /// </summary>
    /// <value>The default is <see langword="null"/> (the provider is its own upstream).</value>
    public string? Upstream { get; set; }

    /// <summary>
    /// Gets or sets replicas of this provider's server (the same model behind several base addresses). When not empty,
    /// each request goes to one healthy replica chosen by <see cref="Balancing"/>, and <see cref="Endpoint"/> is only
    /// the address the adapter builds request paths from.
    /// </summary>
    /// <value>The default is empty.</value>
    public IList<LlmReplicaOptions> Replicas { get; set; } = [];

    /// <summary>Gets or sets how requests are spread over <see cref="Replicas"/>.</summary>
    /// <value>The default is <see cref="LlmReplicaBalancing.LeastInFlight"/>.</value>
    public LlmReplicaBalancing Balancing { get; set; } = LlmReplicaBalancing.LeastInFlight;

    /// <summary>Gets or sets when a replica is taken out of rotation and for how long (used only with <see cref="Replicas"/>).</summary>
    public LlmReplicaHealthOptions ReplicaHealth { get; set; } = new();

    /// <summary>Gets or sets what the model can do; unset values take the adapter's defaults, values set here always win.</summary>
    public LlmProviderCapabilityOptions Capabilities { get; set; } = new();

    /// <summary>Gets or sets what the model costs.</summary>
    public LlmModelPricing Pricing { get; set; } = new();

    /// <summary>Gets or sets how the provider is called: retries, timeouts and circuit breaker.</summary>
    public LlmAttemptPolicyOptions Resilience { get; set; } = new();

    /// <summary>
    /// Gets or sets what the provider accepts per minute (requests, tokens). A provider at its limit is skipped (or
    /// waited for) like one cooling down, and the usage-aware routing strategy prefers providers with room.
    /// </summary>
    /// <value>The default is no limits.</value>
    public LlmProviderLimits Limits { get; set; } = new();

    /// <summary>Returns the type and model, never the key.</summary>
    /// <returns>A log-safe description.</returns>
    public override string ToString() => $"{Type ?? "(custom)"} {Model ?? "(default model)"}";

    internal LlmProviderOptions Clone()
    {
        var copy = (LlmProviderOptions)MemberwiseClone();
        copy.Capabilities = (Capabilities ?? new()).Clone();
        copy.Pricing = (Pricing ?? new()).Clone();
        copy.Resilience = (Resilience ?? new()).Clone();
        copy.Limits = new LlmProviderLimits { RequestsPerMinute = Limits?.RequestsPerMinute, TokensPerMinute = Limits?.TokensPerMinute };
        copy.Replicas = Replicas is null ? [] : [.. Replicas];
        copy.ReplicaHealth = (ReplicaHealth ?? new()).Clone();
        return copy;
    }
}
