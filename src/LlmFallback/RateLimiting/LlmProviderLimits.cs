namespace LlmFallback;

/// <summary>
/// What a provider (a deployment) accepts per minute, so routing does not send what it would reject. Bound, as
/// options named after the provider, from <c>Llm:Providers:&lt;name&gt;:Limits</c>; read through <see cref="LlmProviderLimitsRegistry"/>.
/// </summary>
public sealed class LlmProviderLimits
{
    /// <summary>Gets or sets the requests the provider accepts per minute.</summary>
    /// <value>The default is <see langword="null"/> (unknown, not limited).</value>
    public int? RequestsPerMinute { get; set; }

    /// <summary>Gets or sets the tokens (prompt and output) the provider accepts per minute.</summary>
    /// <value>The default is <see langword="null"/> (unknown, not limited).</value>
    public int? TokensPerMinute { get; set; }

    internal bool IsEmpty => RequestsPerMinute is null && TokensPerMinute is null;
}
