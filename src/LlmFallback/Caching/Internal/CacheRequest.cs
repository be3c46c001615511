namespace LlmFallback;

/// <summary>What the caching stage computed for one request: its keys, or why it cannot be cached.</summary>
/// <param name="ExactKey">The exact-cache key, or <see langword="null"/> when the request cannot be cached.</param>
/// <param name="Partition">
/// A hash of everything but the final user message (scope, namespace, route, answer-changing options, system prompt and,
/// for multi-turn requests, the history); a semantic hit never crosses partitions. Computed only for requests that may
/// use the semantic cache.
/// </param>
/// <param name="Prompt">The final user message, when the request may use the semantic cache; otherwise <see langword="null"/>.</param>
/// <param name="Route">The route (<c>WithRoute</c>, else <see cref="Microsoft.Extensions.AI.ChatOptions.ModelId"/>), or an empty string.</param>
/// <param name="Namespace">The namespace the entry belongs to.</param>
internal readonly record struct CacheRequest(string? ExactKey, string? Partition, string? Prompt, string Route, string Namespace)
{
    public bool IsCacheable => ExactKey is not null;
}
