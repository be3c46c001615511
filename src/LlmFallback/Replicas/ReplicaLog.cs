using Microsoft.Extensions.Logging;

namespace LlmFallback;

/// <summary>Replica-pool log lines. Replica addresses are logged without userinfo, query or credentials.</summary>
internal static partial class ReplicaLog
{
    [LoggerMessage(EventId = 101, EventName = "ReplicaEjected", Level = LogLevel.Warning,
        Message = "Replica {Replica} of provider '{Provider}' ejected for {Duration} after {Failures} consecutive failures (last: {Kind}); ejection #{Ejections}.")]
    public static partial void Ejected(ILogger logger, string provider, string replica, TimeSpan duration, int failures, LlmFailureKind kind, int ejections);

    [LoggerMessage(EventId = 102, EventName = "ReplicaReturned", Level = LogLevel.Information,
        Message = "Replica {Replica} of provider '{Provider}' is back in rotation after its {Reason}.")]
    public static partial void Returned(ILogger logger, string provider, string replica, string reason);

    [LoggerMessage(EventId = 103, EventName = "ReplicaCoolingDown", Level = LogLevel.Information,
        Message = "Replica {Replica} of provider '{Provider}' asked to wait {RetryAfter}; it gets no requests until then.")]
    public static partial void CoolingDown(ILogger logger, string provider, string replica, TimeSpan retryAfter);

    [LoggerMessage(EventId = 104, EventName = "LastReplicaKept", Level = LogLevel.Debug,
        Message = "Replica {Replica} of provider '{Provider}' failed {Failures} times in a row (last: {Kind}) but is the last one in rotation; it is kept.")]
    public static partial void LastReplicaKept(ILogger logger, string provider, string replica, int failures, LlmFailureKind kind);
}
