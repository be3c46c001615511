namespace LlmFallback;

/// <summary>
/// A rule that sends matching requests to a route. Every condition set must hold; unset conditions are ignored.
/// Bound from <c>Llm:Routing:Rules:&lt;i&gt;</c>.
/// </summary>
public sealed class LlmRoutingRule
{
    /// <summary>Gets or sets the rule's name, reported on <see cref="LlmRouteDecision.Detail"/>.</summary>
    /// <value>The default is <see langword="null"/>: the rule's position (<c>rule 0</c>).</value>
    public string? Name { get; set; }

    /// <summary>Gets or sets the route a matching request takes.</summary>
    /// <value>The default is empty; required.</value>
    public string Route { get; set; } = string.Empty;

    /// <summary>Gets the string values the request's <c>ChatOptions.AdditionalProperties</c> must hold (for example <c>llmfallback.tenant</c>, or an application's own tag).</summary>
    /// <value>The default is empty.</value>
    public IDictionary<string, string> Metadata { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Gets or sets whether the request must (or must not) declare tools.</summary>
    /// <value>The default is <see langword="null"/> (either).</value>
    public bool? HasTools { get; set; }

    /// <summary>Gets or sets whether the request must (or must not) hold an image.</summary>
    /// <value>The default is <see langword="null"/> (either).</value>
    public bool? HasImages { get; set; }

    /// <summary>Gets or sets the fewest prompt tokens a matching request has (counted with the o200k_base tokenizer).</summary>
    /// <value>The default is <see langword="null"/>.</value>
    public int? MinPromptTokens { get; set; }

    /// <summary>Gets or sets the most prompt tokens a matching request has.</summary>
    /// <value>The default is <see langword="null"/>.</value>
    public int? MaxPromptTokens { get; set; }

    /// <summary>Gets or sets words of which the last user message must hold at least one (case-insensitive, anywhere in the text).</summary>
    /// <value>The default is empty.</value>
    public IList<string> Keywords { get; set; } = [];
}

/// <summary>
/// The built-in complexity classifier: a fast heuristic over the last user message (length, code, reasoning and
/// comparison words, several questions, steps asked for, tools) scoring from 0 (simple) to 1 (complex). Used when both
/// routes are set and no other classifier is given. Bound from <c>Llm:Routing:Complexity</c>.
/// </summary>
public sealed class ComplexityRoutingOptions
{
    /// <summary>Gets or sets the route of requests scored below <see cref="Threshold"/>.</summary>
    /// <value>The default is <see langword="null"/>.</value>
    public string? SimpleRoute { get; set; }

    /// <summary>Gets or sets the route of requests scored at or above <see cref="Threshold"/>.</summary>
    /// <value>The default is <see langword="null"/>.</value>
    public string? ComplexRoute { get; set; }

    /// <summary>Gets or sets the score from which a request is complex, between 0 and 1.</summary>
    /// <value>The default is 0.5.</value>
    public double Threshold { get; set; } = 0.5;
}
