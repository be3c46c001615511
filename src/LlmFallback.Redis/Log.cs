using Microsoft.Extensions.Logging;

namespace LlmFallback.Redis;

/// <summary>Every log line of LlmFallback.Redis. Never the configuration string, keys' ids or message content.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1, EventName = "RedisUnavailable", Level = LogLevel.Warning,
        Message = "Redis is unreachable ({Store}: {Error}); in-memory state takes over in this instance and Redis is tried again in {RetryInterval}. Limits and budgets are per instance until then.")]
    public static partial void Unavailable(ILogger logger, string store, string error, TimeSpan retryInterval);

    [LoggerMessage(EventId = 2, EventName = "RedisRestored", Level = LogLevel.Information,
        Message = "Redis is reachable again ({Store}); shared state is used from now on.")]
    public static partial void Restored(ILogger logger, string store);
}
