using Microsoft.Extensions.Logging;

namespace LlmFallback;

/// <summary>The moderation stage's log lines: categories and sides, never text.</summary>
internal static partial class ModerationLog
{
    [LoggerMessage(EventId = 201, EventName = "ModerationBlocked", Level = LogLevel.Warning,
        Message = "Moderation blocked the {Side}: {Categories}.")]
    public static partial void Blocked(ILogger logger, LlmContentSide side, IEnumerable<string> categories);

    [LoggerMessage(EventId = 202, EventName = "ModerationFlagged", Level = LogLevel.Information,
        Message = "Moderation flagged the {Side} and let it through: {Categories}.")]
    public static partial void Flagged(ILogger logger, LlmContentSide side, IEnumerable<string> categories);

    [LoggerMessage(EventId = 203, EventName = "ModerationServiceFailed", Level = LogLevel.Warning,
        Message = "Moderation of the {Side} could not run ({Reason}); the call {Decision}.")]
    public static partial void ServiceFailed(ILogger logger, LlmContentSide side, string reason, string decision);
}
