using System.Linq.Expressions;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.VectorData;

namespace LlmFallback.Tests.Caching.Semantic;

/// <summary>An in-process vector store collection: records in a dictionary, filters compiled, cosine similarity scores.</summary>
internal sealed class FakeVectorStoreCollection : VectorStoreCollection<string, LlmSemanticCacheRecord>
{
    public Dictionary<string, LlmSemanticCacheRecord> Records { get; } = [];

    public bool Exists { get; private set; }

    public int Searches { get; private set; }

    /// <summary>Gets or sets how many of the next collection creations fail (the store unreachable).</summary>
    public int FailEnsures { get; set; }

    public int Ensures { get; private set; }

    public override string Name => "llm-cache";

    public override Task<bool> CollectionExistsAsync(CancellationToken cancellationToken = default) => Task.FromResult(Exists);

    public override Task EnsureCollectionExistsAsync(CancellationToken cancellationToken = default)
    {
        Ensures++;
        if (FailEnsures > 0)
        {
            FailEnsures--;
            return Task.FromException(new HttpRequestException("vector store unreachable"));
        }

        Exists = true;
        return Task.CompletedTask;
    }

    public override Task EnsureCollectionDeletedAsync(CancellationToken cancellationToken = default)
    {
        Exists = false;
        Records.Clear();
        return Task.CompletedTask;
    }

    public override Task<LlmSemanticCacheRecord?> GetAsync(string key, RecordRetrievalOptions? options = null, CancellationToken cancellationToken = default) =>
        Task.FromResult(Records.GetValueOrDefault(key));

    public override async IAsyncEnumerable<LlmSemanticCacheRecord> GetAsync(Expression<Func<LlmSemanticCacheRecord, bool>> filter, int top, FilteredRecordRetrievalOptions<LlmSemanticCacheRecord>? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await Task.Yield();
        foreach (var record in Records.Values.Where(filter.Compile()).Take(top))
        {
            yield return record;
        }
    }

    public override Task DeleteAsync(string key, CancellationToken cancellationToken = default)
    {
        Records.Remove(key);
        return Task.CompletedTask;
    }

    public override Task UpsertAsync(LlmSemanticCacheRecord record, CancellationToken cancellationToken = default)
    {
        Assert.True(Exists, "the index must create the collection before writing");
        Records[record.Key] = record;
        return Task.CompletedTask;
    }

    public override async Task UpsertAsync(IEnumerable<LlmSemanticCacheRecord> records, CancellationToken cancellationToken = default)
    {
        foreach (var record in records)
        {
            await UpsertAsync(record, cancellationToken);
        }
    }

    public override async IAsyncEnumerable<VectorSearchResult<LlmSemanticCacheRecord>> SearchAsync<TInput>(TInput searchValue, int top, VectorSearchOptions<LlmSemanticCacheRecord>? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        Searches++;
        await Task.Yield();
        var query = searchValue is ReadOnlyMemory<float> memory ? memory : throw new NotSupportedException(typeof(TInput).Name);
        var filter = options?.Filter?.Compile() ?? (_ => true);
        var scored = Records.Values.Where(filter)
            .Select(r => new VectorSearchResult<LlmSemanticCacheRecord>(r, TensorPrimitives.CosineSimilarity(query.Span, r.Vector.Span)))
            .OrderByDescending(r => r.Score)
            .Take(top)
            .ToList();
        foreach (var result in scored)
        {
            yield return result;
        }
    }

    public override object? GetService(Type serviceType, object? serviceKey = null) => null;
}
