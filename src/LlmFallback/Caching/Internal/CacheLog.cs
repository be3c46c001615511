using Microsoft.Extensions.Logging;

namespace LlmFallback;

/// <summary>The caching stage's log lines: keys are hashes, and no message content is ever logged.</summary>
internal static partial class CacheLog
{
    [LoggerMessage(EventId = 801, EventName = "CacheUnavailable", Level = LogLevel.Warning,
        Message = "Response cache {Operation} failed ({Error}); the request goes on uncached.")]
    public static partial void Unavailable(ILogger logger, string operation, string error);

    [LoggerMessage(EventId = 802, EventName = "CacheNotStored", Level = LogLevel.Debug,
        Message = "Answer not cached: {Reason}.")]
    public static partial void NotStored(ILogger logger, string reason);

    [LoggerMessage(EventId = 803, EventName = "CacheHit", Level = LogLevel.Debug,
        Message = "Cache hit ({Kind}, similarity {Similarity}).")]
    public static partial void Hit(ILogger logger, LlmCacheKind kind, double? similarity);

    [LoggerMessage(EventId = 804, EventName = "EmbeddingFailed", Level = LogLevel.Warning,
        Message = "Embedding for the semantic cache failed ({Error}); the request uses the exact cache only.")]
    public static partial void EmbeddingFailed(ILogger logger, string error);

    [LoggerMessage(EventId = 805, EventName = "SemanticRejected", Level = LogLevel.Debug,
        Message = "Semantic candidate with similarity {Similarity} rejected by the {Guard} guard.")]
    public static partial void SemanticRejected(ILogger logger, double similarity, string guard);
}
