using Microsoft.Extensions.AI;

namespace LlmFallback;

/// <summary>A prompt prepared for the semantic cache: its embedding and its lexical signature.</summary>
internal sealed record SemanticQuery(ReadOnlyMemory<float> Vector, PromptSignature Signature);

/// <summary>
/// The semantic half of the caching stage: embeds the prompt, searches its partition, checks the nearest candidates
/// against the guards and reads the answer a passing candidate points at. Failures (embedder, index) are logged and
/// turn into misses.
/// </summary>
internal sealed class SemanticCache(IEmbeddingGenerator<string, Embedding<float>> generator, ILlmSemanticCacheIndex index, LlmSemanticCacheOptions options, LlmResponseCache cache)
{
    public async ValueTask<SemanticQuery?> PrepareAsync(string prompt, CancellationToken cancellationToken)
    {
        if (prompt.Length == 0 || prompt.Length > options.MaxPromptLength)
        {
            return null;
        }

        try
        {
            var vector = await generator.GenerateVectorAsync(prompt, null, cancellationToken).ConfigureAwait(false);
            return new SemanticQuery(vector, PromptSignature.Parse(prompt));
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && ex is not OutOfMemoryException)
        {
            CacheMetrics.Error("embed");
            CacheLog.EmbeddingFailed(cache.Logger, ex.GetType().Name);
            return null;
        }
    }

    public async ValueTask<(CachedChatEntry Entry, string Key, double Similarity)?> FindAsync(string partition, SemanticQuery query, CancellationToken cancellationToken)
    {
        IReadOnlyList<LlmSemanticCacheMatch> matches;
        try
        {
            matches = await index.SearchAsync(partition, query.Vector, options.MaxCandidates, options.SimilarityThreshold, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && ex is not OutOfMemoryException)
        {
            Failed("semantic_search", ex);
            return null;
        }

        foreach (var match in matches)
        {
            if (PromptSignature.Decode(match.Entry.Signature) is not { } stored)
            {
                continue;
            }

            if (SemanticGuards.Check(query.Signature, stored, options) is { } guard)
            {
                CacheLog.SemanticRejected(cache.Logger, match.Similarity, guard);
                continue;
            }

            if (await cache.GetAsync(match.Entry.EntryKey, cancellationToken).ConfigureAwait(false) is { } entry)
            {
                return (entry, match.Entry.EntryKey, match.Similarity);
            }

            // The answer expired or was invalidated: its index entry goes too.
            await RemoveAsync(partition, match.Entry.EntryKey, cancellationToken).ConfigureAwait(false);
        }

        return null;
    }

    public async ValueTask AddAsync(string partition, string key, SemanticQuery query, long expiresAtMs, CancellationToken cancellationToken)
    {
        try
        {
            var entry = new LlmSemanticCacheEntry(partition, key, query.Vector, query.Signature.Encode(), DateTimeOffset.FromUnixTimeMilliseconds(expiresAtMs));
            await index.UpsertAsync(entry, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && ex is not OutOfMemoryException)
        {
            Failed("semantic_write", ex);
        }
    }

    public async ValueTask RemoveAsync(string partition, string key, CancellationToken cancellationToken)
    {
        try
        {
            await index.RemoveAsync(partition, key, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && ex is not OutOfMemoryException)
        {
            Failed("semantic_remove", ex);
        }
    }

    private void Failed(string operation, Exception ex)
    {
        CacheMetrics.Error(operation);
        CacheLog.Unavailable(cache.Logger, operation, ex.GetType().Name);
    }
}
