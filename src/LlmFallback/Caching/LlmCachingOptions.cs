namespace LlmFallback;

/// <summary>How the caching stage keys, stores and finds answers. Bound from <c>Llm:Caching</c>.</summary>
public sealed class LlmCachingOptions
{
    /// <summary>Gets or sets a value indicating whether the stage reads and writes the cache at all.</summary>
    /// <value>The default is <see langword="true"/>.</value>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Gets or sets the namespace entries are written under (part of every key and a tag, so a namespace can be
    /// invalidated at once). A request may pick another with <c>WithCacheNamespace</c>.
    /// </summary>
    /// <value>The default is <c>default</c>.</value>
    public string Namespace { get; set; } = "default";

    /// <summary>Gets or sets who may share an entry.</summary>
    /// <value>The default is <see cref="LlmCacheScope.User"/>: the same tenant and the same user.</value>
    public LlmCacheScope Scope { get; set; } = LlmCacheScope.User;

    /// <summary>Gets or sets how long an answer is kept when its route has no entry in <see cref="RouteTimeToLive"/>.</summary>
    /// <value>The default is one hour.</value>
    public TimeSpan DefaultTimeToLive { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// Gets or sets how long answers are kept per route (the request's <c>WithRoute</c>, else its <c>ChatOptions.ModelId</c>); <see cref="TimeSpan.Zero"/>
    /// turns caching off for that route. Route names are matched case-insensitively.
    /// </summary>
    /// <value>The default is empty: every route uses <see cref="DefaultTimeToLive"/>.</value>
    public IDictionary<string, TimeSpan> RouteTimeToLive { get; set; } = new Dictionary<string, TimeSpan>(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Gets or sets a value indicating whether answers that ask for tool calls are cached. Tool calls usually act on the
    /// world or read fresh state, so replaying one is rarely right.
    /// </summary>
    /// <value>The default is <see langword="false"/>.</value>
    public bool CacheToolCalls { get; set; }

    /// <summary>Gets or sets the semantic cache settings.</summary>
    public LlmSemanticCacheOptions Semantic { get; set; } = new();
}
