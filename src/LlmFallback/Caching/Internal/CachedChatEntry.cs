using System.ComponentModel;
using Microsoft.Extensions.AI;

namespace LlmFallback;

/// <summary>
/// One stored answer. Immutable (never changed after it is made, and marked so), which lets HybridCache keep the
/// instance itself in memory and skip deserialising on every local hit; callers always get a copy.
/// </summary>
[ImmutableObject(true)]
internal sealed class CachedChatEntry(ChatResponse response, string? provider, string? providerModel, long expiresAtMs)
{
    /// <summary>Gets the answer, without this library's annotations and without raw provider objects.</summary>
    public ChatResponse Response { get; } = response;

    /// <summary>Gets the provider that answered originally, if the answer passed through the fallback stage.</summary>
    public string? Provider { get; } = provider;

    /// <summary>Gets the model that answered originally, as the fallback stage recorded it.</summary>
    public string? ProviderModel { get; } = providerModel;

    /// <summary>Gets when the entry expires, in Unix milliseconds of the stage's <see cref="TimeProvider"/>.</summary>
    public long ExpiresAtMs { get; } = expiresAtMs;

    public bool IsExpired(TimeProvider time) => time.GetUtcNow().ToUnixTimeMilliseconds() >= ExpiresAtMs;
}

/// <summary>The stores one caching stage writes to; one per stage, so a hit allocates nothing to remember them.</summary>
internal sealed class CacheStores(LlmResponseCache cache, SemanticCache? semantic)
{
    public LlmResponseCache Cache { get; } = cache;

    public SemanticCache? Semantic { get; } = semantic;
}

/// <summary>Where an answer was stored, so a stage outside the cache (moderation) can take it back out.</summary>
internal readonly record struct CacheEntryRef(CacheStores Stores, string Key, string? Partition)
{
    public async ValueTask EvictAsync(CancellationToken cancellationToken)
    {
        await Stores.Cache.RemoveAsync(Key, cancellationToken).ConfigureAwait(false);
        if (Stores.Semantic is { } semantic && Partition is not null)
        {
            await semantic.RemoveAsync(Partition, Key, cancellationToken).ConfigureAwait(false);
        }
    }
}
