namespace LlmFallback;

/// <summary>
/// What a provider's model can do, as configured (<c>Llm:Providers:&lt;name&gt;:Capabilities</c> or code). Every value is
/// optional: an unset value takes the adapter's default for the model or preset, then the library's; a value that
/// is set, <see langword="true"/> or <see langword="false"/>, always wins. The resolved values are
/// <see cref="LlmProvider.Capabilities"/>.
/// </summary>
public sealed class LlmProviderCapabilityOptions
{
    /// <summary>Gets or sets the model's context window in tokens.</summary>
    /// <value>The default is <see langword="null"/>: the adapter's figure for a known model, otherwise unknown.</value>
    public int? ContextWindow { get; set; }

    /// <summary>Gets or sets the most output tokens the model produces in one response.</summary>
    /// <value>The default is <see langword="null"/>: the adapter's figure for a known model, otherwise unknown.</value>
    public int? MaxOutputTokens { get; set; }

    /// <summary>Gets or sets a value indicating whether the model accepts tool (function) definitions.</summary>
    /// <value>The default is <see langword="null"/>: the adapter's default for the model, otherwise <see langword="true"/>.</value>
    public bool? Tools { get; set; }

    /// <summary>Gets or sets a value indicating whether the model accepts images.</summary>
    /// <value>The default is <see langword="null"/>: the adapter's default for the model, otherwise <see langword="false"/>.</value>
    public bool? Vision { get; set; }

    /// <summary>Gets or sets a value indicating whether the model can be constrained to a JSON schema.</summary>
    /// <value>The default is <see langword="null"/>: the adapter's default for the model, otherwise <see langword="false"/>.</value>
    public bool? JsonSchema { get; set; }

    /// <summary>
    /// Gets or sets a value indicating whether the provider continues a trailing assistant message (a "prefill")
    /// instead of starting a new turn. Only such providers are asked to rescue a stream that failed mid-answer.
    /// </summary>
    /// <value>The default is <see langword="null"/>: the adapter's default for the model or preset, otherwise <see langword="false"/>.</value>
    public bool? PrefillContinuation { get; set; }

    /// <summary>The values with every unset flag at the library's default (adapters fill theirs before, at configuration time).</summary>
    internal LlmProviderCapabilities Resolve() => new()
    {
        ContextWindow = ContextWindow,
        MaxOutputTokens = MaxOutputTokens,
        Tools = Tools ?? true,
        Vision = Vision ?? false,
        JsonSchema = JsonSchema ?? false,
        PrefillContinuation = PrefillContinuation ?? false,
    };

    internal LlmProviderCapabilityOptions Clone() => (LlmProviderCapabilityOptions)MemberwiseClone();
}
