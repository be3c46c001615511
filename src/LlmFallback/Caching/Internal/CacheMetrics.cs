using System.Diagnostics.Metrics;

namespace LlmFallback;

/// <summary>The caching stage's instruments, on the library's one <see cref="LlmFallbackDiagnostics"/> meter.</summary>
internal static class CacheMetrics
{
    /// <summary>Counter of requests seen by the caching stage, tagged with <c>llmfallback.cache.result</c> (hit, miss, bypass, coalesced) and <c>llmfallback.cache.kind</c>; unit <c>{request}</c>.</summary>
    public const string RequestsInstrument = "llmfallback.cache.requests";

    /// <summary>Counter of answers the stage decided to keep or not, tagged with <c>llmfallback.cache.result</c> (stored or the reason it was not); unit <c>{response}</c>.</summary>
    public const string StoresInstrument = "llmfallback.cache.stores";

    /// <summary>Histogram of the similarity of semantic hits; unit <c>1</c>.</summary>
    public const string SimilarityInstrument = "llmfallback.cache.semantic.similarity";

    /// <summary>Counter of cache operations that failed (the request went on uncached), tagged with the operation; unit <c>{error}</c>.</summary>
    public const string ErrorsInstrument = "llmfallback.cache.errors";

    public const string ResultTag = "llmfallback.cache.result";
    public const string KindTag = "llmfallback.cache.kind";
    public const string OperationTag = "llmfallback.cache.operation";

    private static readonly Counter<long> Requests = LlmFallbackDiagnostics.Meter.CreateCounter<long>(RequestsInstrument, "{request}", "Requests seen by the caching stage.");
    private static readonly Counter<long> Stores = LlmFallbackDiagnostics.Meter.CreateCounter<long>(StoresInstrument, "{response}", "Answers stored, or not stored and why.");
    private static readonly Histogram<double> Similarity = LlmFallbackDiagnostics.Meter.CreateHistogram<double>(SimilarityInstrument, "1", "Similarity of semantic cache hits.");
    private static readonly Counter<long> Errors = LlmFallbackDiagnostics.Meter.CreateCounter<long>(ErrorsInstrument, "{error}", "Cache operations that failed; the request went on uncached.");

    public static void Request(string result, string kind)
    {
        if (Requests.Enabled)
        {
            Requests.Add(1, new KeyValuePair<string, object?>(ResultTag, result), new KeyValuePair<string, object?>(KindTag, kind));
        }
    }

    public static void Hit(LlmCacheKind kind, double? similarity)
    {
        Request("hit", kind == LlmCacheKind.Exact ? "exact" : "semantic");
        if (similarity is { } s)
        {
            Similarity.Record(s);
        }
    }

    public static void Store(string result)
    {
        if (Stores.Enabled)
        {
            Stores.Add(1, new KeyValuePair<string, object?>(ResultTag, result));
        }
    }

    public static void Error(string operation) => Errors.Add(1, new KeyValuePair<string, object?>(OperationTag, operation));
}
