namespace LlmFallback;

/// <summary>
/// What a provider's model can do, resolved (<see cref="LlmProvider.Capabilities"/>): the configured
/// <see cref="LlmProviderCapabilityOptions"/>, the adapter's defaults where they were unset, then the defaults below.
/// Read by the fallback stage (context-length and rescue decisions) and by routing.
/// </summary>
public sealed class LlmProviderCapabilities
{
    /// <summary>Gets or sets the model's context window in tokens, if known.</summary>
    /// <value>The default is <see langword="null"/> (unknown): after a context-length failure the provider is only tried if listed in <see cref="FallbackOptions.ContextWindowFallbacks"/>.</value>
    public int? ContextWindow { get; set; }

    /// <summary>Gets or sets the most output tokens the model produces in one response, if known.</summary>
    /// <value>The default is <see langword="null"/> (unknown).</value>
    public int? MaxOutputTokens { get; set; }

    /// <summary>Gets or sets a value indicating whether the model accepts tool (function) definitions.</summary>
    /// <value>The default is <see langword="true"/>.</value>
    public bool Tools { get; set; } = true;

    /// <summary>Gets or sets a value indicating whether the model accepts images.</summary>
    /// <value>The default is <see langword="false"/>.</value>
    public bool Vision { get; set; }

    /// <summary>Gets or sets a value indicating whether the model can be constrained to a JSON schema.</summary>
    /// <value>The default is <see langword="false"/>.</value>
    public bool JsonSchema { get; set; }

    /// <summary>
    /// Gets or sets a value indicating whether the provider continues a trailing assistant message (a "prefill")
    /// instead of starting a new turn. Only such providers are asked to rescue a stream that failed mid-answer.
    /// </summary>
    /// <value>The default is <see langword="false"/>.</value>
    public bool PrefillContinuation { get; set; }
}
