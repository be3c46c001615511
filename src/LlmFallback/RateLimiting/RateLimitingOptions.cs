namespace LlmFallback;

/// <summary>Requests and tokens per minute per user, tenant and API key. Bound from <c>Llm:RateLimiting</c>.</summary>
public sealed class RateLimitingOptions
{
    /// <summary>Gets or sets the limits of each user.</summary>
    public LlmRateLimit PerUser { get; set; } = new();

    /// <summary>Gets or sets the limits of each tenant.</summary>
    public LlmRateLimit PerTenant { get; set; } = new();

    /// <summary>Gets or sets the limits of each API key id.</summary>
    public LlmRateLimit PerApiKey { get; set; } = new();

    internal RateLimitingOptions Clone() => (RateLimitingOptions)MemberwiseClone();
}
