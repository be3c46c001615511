using Microsoft.Extensions.AI;

namespace LlmFallback;

/// <summary>Builds audit events from a request's options and hands them to the sink.</summary>
internal static class Auditing
{
    public static ValueTask WriteAsync(
        IAuditSink? sink,
        TimeProvider timeProvider,
        LlmAuditEventKind kind,
        string stage,
        ChatOptions? options,
        LlmContentSide? side,
        string? action,
        string? reason,
        IReadOnlyDictionary<string, int>? counts)
    {
        if (sink is null)
        {
            return ValueTask.CompletedTask;
        }

        var auditEvent = new LlmAuditEvent(kind, timeProvider.GetUtcNow(), stage)
        {
            User = options.GetUser(),
            Tenant = options.GetTenant(),
            ApiKeyId = options.GetApiKeyId(),
            Direction = side switch
            {
                LlmContentSide.Input => "input",
                LlmContentSide.Output => "output",
                _ => null,
            },
            Action = action,
            Reason = reason,
            Counts = counts,
        };

        // No request token: an event for a request the caller cancelled is still recorded.
        return sink.WriteAsync(auditEvent, CancellationToken.None);
    }
}
