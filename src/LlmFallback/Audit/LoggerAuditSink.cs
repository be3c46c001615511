using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LlmFallback;

/// <summary>
/// The default <see cref="IAuditSink"/>: one structured log event per audit event, in the <c>LlmFallback.Audit</c>
/// category, with stable event ids (see <see cref="LlmAuditEventKind"/>). Route the category to a separate sink
/// (a file, a SIEM) with the host's logging configuration.
/// </summary>
/// <remarks>
/// The log fields are the event's: <c>Kind</c>, <c>Stage</c>, <c>Direction</c>, <c>Action</c>, <c>Reason</c>,
/// <c>User</c>, <c>Tenant</c>, <c>ApiKeyId</c>, and <c>Counts</c> as <c>Type=N</c> pairs in a stable order.
/// Events carry types and counts only, so nothing written here holds message content or a detected value.
/// </remarks>
public sealed class LoggerAuditSink : IAuditSink
{
    /// <summary>The logging category every audit event is written in.</summary>
    public const string CategoryName = "LlmFallback.Audit";

    private readonly ILogger _logger;

    /// <summary>Initializes a new instance of the <see cref="LoggerAuditSink"/> class.</summary>
    /// <param name="loggerFactory">The logger factory; <see langword="null"/> writes nowhere.</param>
    public LoggerAuditSink(ILoggerFactory? loggerFactory)
    {
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger(CategoryName);
    }

    /// <inheritdoc/>
    public ValueTask WriteAsync(LlmAuditEvent auditEvent, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(auditEvent);
        var counts = FormatCounts(auditEvent.Counts);
        switch (auditEvent.Kind)
        {
            case LlmAuditEventKind.PiiDetected:
                AuditLog.PiiDetected(_logger, auditEvent.Stage, auditEvent.Direction, auditEvent.Action, counts, auditEvent.User, auditEvent.Tenant, auditEvent.ApiKeyId, auditEvent.Timestamp);
                break;
            case LlmAuditEventKind.ModerationBlocked:
                AuditLog.ModerationBlocked(_logger, auditEvent.Stage, auditEvent.Direction, auditEvent.Reason, counts, auditEvent.User, auditEvent.Tenant, auditEvent.ApiKeyId, auditEvent.Timestamp);
                break;
            case LlmAuditEventKind.ModerationFlagged:
                AuditLog.ModerationFlagged(_logger, auditEvent.Stage, auditEvent.Direction, auditEvent.Action, counts, auditEvent.User, auditEvent.Tenant, auditEvent.ApiKeyId, auditEvent.Timestamp);
                break;
            case LlmAuditEventKind.InputRejected:
                AuditLog.InputRejected(_logger, auditEvent.Stage, auditEvent.Reason, auditEvent.User, auditEvent.Tenant, auditEvent.ApiKeyId, auditEvent.Timestamp);
                break;
            case LlmAuditEventKind.BudgetExceeded:
                AuditLog.BudgetExceeded(_logger, auditEvent.Stage, auditEvent.Action, auditEvent.Reason, auditEvent.User, auditEvent.Tenant, auditEvent.ApiKeyId, auditEvent.Timestamp);
                break;
            case LlmAuditEventKind.RateLimited:
                AuditLog.RateLimited(_logger, auditEvent.Stage, auditEvent.Reason, auditEvent.User, auditEvent.Tenant, auditEvent.ApiKeyId, auditEvent.Timestamp);
                break;
            default:
                AuditLog.Other(_logger, auditEvent.Kind, auditEvent.Stage, auditEvent.Direction, auditEvent.Action, auditEvent.Reason, counts, auditEvent.User, auditEvent.Tenant, auditEvent.ApiKeyId, auditEvent.Timestamp);
                break;
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>Formats counts as <c>A=1,B=2</c>, ordered by type so that equal events log equal text.</summary>
    internal static string? FormatCounts(IReadOnlyDictionary<string, int>? counts)
    {
        if (counts is null || counts.Count == 0)
        {
            return null;
        }

        var keys = new string[counts.Count];
        var i = 0;
        foreach (var pair in counts)
        {
            keys[i++] = pair.Key;
        }

        Array.Sort(keys, StringComparer.Ordinal);
        var text = new StringBuilder();
        foreach (var key in keys)
        {
            if (text.Length > 0)
            {
                text.Append(',');
            }

            text.Append(key).Append('=').Append(counts[key].ToString(CultureInfo.InvariantCulture));
        }

        return text.ToString();
    }
}
