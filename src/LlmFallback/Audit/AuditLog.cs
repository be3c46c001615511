using Microsoft.Extensions.Logging;

namespace LlmFallback;

/// <summary>The audit events <see cref="LoggerAuditSink"/> writes; event ids 1000+ keep them apart from operational logs.</summary>
internal static partial class AuditLog
{
    [LoggerMessage(EventId = 1001, EventName = "PiiDetected", Level = LogLevel.Information,
        Message = "Audit: {Stage} found personal data on the {Direction} side and applied {Action}: {Counts} (user {User}, tenant {Tenant}, key {ApiKeyId}, at {Timestamp}).")]
    public static partial void PiiDetected(ILogger logger, string stage, string? direction, string? action, string? counts, string? user, string? tenant, string? apiKeyId, DateTimeOffset timestamp);

    [LoggerMessage(EventId = 1002, EventName = "ModerationBlocked", Level = LogLevel.Warning,
        Message = "Audit: {Stage} blocked the {Direction} side ({Reason}): {Counts} (user {User}, tenant {Tenant}, key {ApiKeyId}, at {Timestamp}).")]
    public static partial void ModerationBlocked(ILogger logger, string stage, string? direction, string? reason, string? counts, string? user, string? tenant, string? apiKeyId, DateTimeOffset timestamp);

    [LoggerMessage(EventId = 1003, EventName = "ModerationFlagged", Level = LogLevel.Information,
        Message = "Audit: {Stage} flagged the {Direction} side and let it through ({Action}): {Counts} (user {User}, tenant {Tenant}, key {ApiKeyId}, at {Timestamp}).")]
    public static partial void ModerationFlagged(ILogger logger, string stage, string? direction, string? action, string? counts, string? user, string? tenant, string? apiKeyId, DateTimeOffset timestamp);

    [LoggerMessage(EventId = 1004, EventName = "InputRejected", Level = LogLevel.Warning,
        Message = "Audit: {Stage} rejected a request: {Reason} (user {User}, tenant {Tenant}, key {ApiKeyId}, at {Timestamp}).")]
    public static partial void InputRejected(ILogger logger, string stage, string? reason, string? user, string? tenant, string? apiKeyId, DateTimeOffset timestamp);

    [LoggerMessage(EventId = 1005, EventName = "BudgetExceeded", Level = LogLevel.Warning,
        Message = "Audit: {Stage} applied {Action} to a request: {Reason} (user {User}, tenant {Tenant}, key {ApiKeyId}, at {Timestamp}).")]
    public static partial void BudgetExceeded(ILogger logger, string stage, string? action, string? reason, string? user, string? tenant, string? apiKeyId, DateTimeOffset timestamp);

    [LoggerMessage(EventId = 1006, EventName = "RateLimited", Level = LogLevel.Warning,
        Message = "Audit: {Stage} rejected a request: {Reason} (user {User}, tenant {Tenant}, key {ApiKeyId}, at {Timestamp}).")]
    public static partial void RateLimited(ILogger logger, string stage, string? reason, string? user, string? tenant, string? apiKeyId, DateTimeOffset timestamp);

    [LoggerMessage(EventId = 1099, EventName = "AuditEvent", Level = LogLevel.Information,
        Message = "Audit: {Kind} by {Stage} on the {Direction} side, {Action}: {Reason} {Counts} (user {User}, tenant {Tenant}, key {ApiKeyId}, at {Timestamp}).")]
    public static partial void Other(ILogger logger, LlmAuditEventKind kind, string stage, string? direction, string? action, string? reason, string? counts, string? user, string? tenant, string? apiKeyId, DateTimeOffset timestamp);
}
