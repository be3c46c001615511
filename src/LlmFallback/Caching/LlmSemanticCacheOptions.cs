namespace LlmFallback;

/// <summary>
/// When a request may be answered by a stored answer to a request close in meaning. Bound from
/// <c>Llm:Caching:Semantic</c>. The defaults were chosen on the evaluation set described in <c>docs/caching.md</c>.
/// </summary>
public sealed class LlmSemanticCacheOptions
{
    /// <summary>Gets or sets a value indicating whether the semantic cache is used (it needs an embedding generator).</summary>
    /// <value>The default is <see langword="false"/>.</value>
    public bool Enabled { get; set; }

    /// <summary>Gets or sets the least cosine similarity between two prompts' embeddings for a hit.</summary>
    /// <value>The default is 0.8.</value>
    public double SimilarityThreshold { get; set; } = 0.8;

    /// <summary>Gets or sets the checks a candidate must pass besides similarity.</summary>
    /// <value>The default is <see cref="LlmSemanticGuards.All"/>.</value>
    public LlmSemanticGuards Guards { get; set; } = LlmSemanticGuards.All;

    /// <summary>
    /// Gets or sets the least share of content words two prompts must have in common (Jaccard index of their stems),
    /// checked when <see cref="LlmSemanticGuards.LexicalOverlap"/> is on.
    /// </summary>
    /// <value>The default is 0.3.</value>
    public double MinLexicalOverlap { get; set; } = 0.3;

    /// <summary>
    /// Gets or sets the largest ratio between the longer and the shorter prompt's length; 0 turns the check off.
    /// </summary>
    /// <value>The default is 0 (off).</value>
    public double MaxLengthRatio { get; set; }

    /// <summary>
    /// Gets or sets a value indicating whether requests with history may use the semantic cache. They then only match
    /// requests with exactly the same history (its hash is part of the partition).
    /// </summary>
    /// <value>The default is <see langword="false"/>: only single-turn requests (system messages plus one user message).</value>
    public bool AllowMultiTurn { get; set; }

    /// <summary>Gets or sets how many nearest candidates are checked against the guards.</summary>
    /// <value>The default is 4.</value>
    public int MaxCandidates { get; set; } = 4;

    /// <summary>Gets or sets the longest prompt, in characters, the semantic cache embeds; longer prompts use the exact cache only.</summary>
    /// <value>The default is 2000.</value>
    public int MaxPromptLength { get; set; } = 2000;

    /// <summary>Gets or sets how many entries the in-memory index keeps; the oldest are dropped first.</summary>
    /// <value>The default is 10000.</value>
    public int MaxEntries { get; set; } = 10_000;
}

/// <summary>The checks a semantic candidate must pass besides similarity.</summary>
[Flags]
public enum LlmSemanticGuards
{
    /// <summary>Similarity only. Not safe: near-miss prompts score above 0.99.</summary>
    None = 0,

    /// <summary>The same numbers and amounts (digits and number words), in the same order.</summary>
    Numbers = 1,

    /// <summary>The same named entities and dates (capitalised or all-caps words, month and day names), in the same order.</summary>
    Entities = 2,

    /// <summary>The same number of negations (not, no, never, without, n't...).</summary>
    Negation = 4,

    /// <summary>The same comparatives and directions (more/less, over/under, before/after, from/to roles...).</summary>
    Comparatives = 8,

    /// <summary>No word swapped for its opposite or for one other word (enable/disable, France/Spain) and enough words in common.</summary>
    LexicalOverlap = 16,

    /// <summary>Every check.</summary>
    All = Numbers | Entities | Negation | Comparatives | LexicalOverlap,
}
