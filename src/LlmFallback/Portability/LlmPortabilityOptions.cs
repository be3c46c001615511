namespace LlmFallback;

/// <summary>
/// How a conversation is prepared for a provider other than the one that produced parts of it. Bound from
/// <c>Llm:Portability</c> for every provider, and from <c>Llm:Providers:&lt;name&gt;:Portability</c> for one provider
/// (its values win).
/// </summary>
public sealed class LlmPortabilityOptions
{
    /// <summary>Gets or sets a value indicating whether the history is prepared at all.</summary>
    /// <value>
    /// The default is <see langword="true"/>. When <see langword="false"/>, the provider receives the history exactly as
    /// given, foreign signatures and ids included.
    /// </value>
    public bool Enabled { get; set; } = true;

    /// <summary>Gets or sets what happens to reasoning the provider cannot carry (another family's, or unsigned where a signature is required).</summary>
    /// <value>The default is <see cref="LlmReasoningPortability.Drop"/>.</value>
    public LlmReasoningPortability ForeignReasoning { get; set; } = LlmReasoningPortability.Drop;

    /// <summary>Gets or sets how reasoning with opaque data but no recorded origin is treated (history made by another client, or stored without its properties).</summary>
    /// <value>The default is <see cref="LlmUnknownOrigin.Keep"/>: sent as given, as before origins were recorded.</value>
    public LlmUnknownOrigin UnknownOrigin { get; set; } = LlmUnknownOrigin.Keep;
}

/// <summary>What happens to reasoning a provider cannot carry.</summary>
public enum LlmReasoningPortability
{
    /// <summary>The reasoning is left out of the request.</summary>
    Drop = 0,

    /// <summary>The reasoning's text is sent as plain assistant text, without its opaque data; empty reasoning is left out.</summary>
    Text = 1,
}

/// <summary>How reasoning with opaque data but no recorded origin is treated.</summary>
public enum LlmUnknownOrigin
{
    /// <summary>Sent as given.</summary>
    Keep = 0,

    /// <summary>Treated as another family's: <see cref="LlmPortabilityOptions.ForeignReasoning"/> applies.</summary>
    Foreign = 1,
}
