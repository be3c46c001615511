using Microsoft.Extensions.AI;

namespace LlmFallback;

/// <content>The caching stage's annotations.</content>
public sealed partial class LlmCallInfo
{
    /// <summary>Gets a value indicating whether the answer came from the cache (no provider was called).</summary>
    public bool CacheHit => AnnotationsOrNull?.CacheKind is not null;

    /// <summary>Gets how a cached answer was found, or <see langword="null"/> if the answer did not come from the cache.</summary>
    public LlmCacheKind? CacheKind => AnnotationsOrNull?.CacheKind;

    /// <summary>Gets the cosine similarity between this request and the stored one, for a semantic hit.</summary>
    public double? CacheSimilarity => AnnotationsOrNull?.CacheSimilarity;

    /// <summary>
    /// Gets the usage of the call that produced a cached answer, that is the tokens this hit did not spend; metering
    /// prices it as the cost saved. <see langword="null"/> if the answer did not come from the cache.
    /// </summary>
    public UsageDetails? CacheSavedUsage => ResponseCopy.Usage(AnnotationsOrNull?.CacheSavedUsage);
}

/// <content>The caching stage's annotation.</content>
internal sealed partial class LlmCallAnnotations
{
    internal LlmCacheKind? CacheKind { get; set; }

    internal double? CacheSimilarity { get; set; }

    /// <summary>The stored entry's own usage (never handed out: the public property copies it).</summary>
    internal UsageDetails? CacheSavedUsage { get; set; }

    /// <summary>The entry this answer was stored as or read from, so a later stage can evict it.</summary>
    internal CacheEntryRef? CacheEntry { get; set; }
}
