using Microsoft.Extensions.Logging;

namespace LlmFallback;

/// <summary>The PII stage's log lines: types and actions, never values.</summary>
internal static partial class PiiLog
{
    [LoggerMessage(EventId = 301, EventName = "PiiDetected", Level = LogLevel.Information,
        Message = "Personal data found on the {Side} side ({Action}): {EntityTypes}.")]
    public static partial void Detected(ILogger logger, LlmContentSide side, string action, IEnumerable<string> entityTypes);
}
