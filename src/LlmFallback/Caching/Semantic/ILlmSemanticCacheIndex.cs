namespace LlmFallback;

/// <summary>
/// Where the semantic cache keeps prompt embeddings. The answers themselves stay in <see cref="LlmResponseCache"/>; an
/// index entry points at one by its key, so expiry and invalidation of answers apply to semantic hits too.
/// <see cref="InMemorySemanticCacheIndex"/> is the default; <see cref="VectorStoreSemanticCacheIndex"/> adapts any
/// Microsoft.Extensions.VectorData store.
/// </summary>
public interface ILlmSemanticCacheIndex
{
    /// <summary>Adds or replaces an entry.</summary>
    /// <param name="entry">The entry.</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>A task that completes when the entry is stored.</returns>
    ValueTask UpsertAsync(LlmSemanticCacheEntry entry, CancellationToken cancellationToken = default);

    /// <summary>Finds the entries of <paramref name="partition"/> nearest to <paramref name="vector"/>, best first, ignoring expired ones.</summary>
    /// <param name="partition">The partition; entries of other partitions are never returned.</param>
    /// <param name="vector">The query embedding.</param>
    /// <param name="top">The most entries to return.</param>
    /// <param name="minSimilarity">The least cosine similarity of an entry returned.</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>The matches, most similar first.</returns>
    ValueTask<IReadOnlyList<LlmSemanticCacheMatch>> SearchAsync(string partition, ReadOnlyMemory<float> vector, int top, double minSimilarity, CancellationToken cancellationToken = default);

    /// <summary>Removes an entry, if present.</summary>
    /// <param name="partition">The entry's partition.</param>
    /// <param name="entryKey">The entry's answer key.</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>A task that completes when the entry is gone.</returns>
    ValueTask RemoveAsync(string partition, string entryKey, CancellationToken cancellationToken = default);
}

/// <summary>One prompt in a semantic index.</summary>
/// <param name="Partition">A hash of everything a hit must share with the request besides the prompt (scope, route, options, system prompt, history).</param>
/// <param name="EntryKey">The key of the answer in <see cref="LlmResponseCache"/>.</param>
/// <param name="Vector">The prompt's embedding.</param>
/// <param name="Signature">The prompt's lexical signature for the guards: opaque, hashes only, no prompt text.</param>
/// <param name="ExpiresAt">When the entry expires.</param>
public sealed record LlmSemanticCacheEntry(string Partition, string EntryKey, ReadOnlyMemory<float> Vector, string Signature, DateTimeOffset ExpiresAt);

/// <summary>An entry found by a search, with its cosine similarity to the query.</summary>
/// <param name="Entry">The entry.</param>
/// <param name="Similarity">The cosine similarity, from -1 to 1.</param>
public readonly record struct LlmSemanticCacheMatch(LlmSemanticCacheEntry Entry, double Similarity);
