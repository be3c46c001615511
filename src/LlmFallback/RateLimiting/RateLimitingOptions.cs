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

    /// <summary>A deep copy, so a stage never sees later changes to the options it was built with.</summary>
    internal RateLimitingOptions Clone() => new()
    {
        PerUser = PerUser?.Clone()!,
        PerTenant = PerTenant?.Clone()!,
        PerApiKey = PerApiKey?.Clone()!,
    };
}
