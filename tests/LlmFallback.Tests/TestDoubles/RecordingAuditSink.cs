using System.Collections.Concurrent;

namespace LlmFallback.Tests;

/// <summary>An audit sink that keeps every event.</summary>
public sealed class RecordingAuditSink : IAuditSink
{
    private readonly ConcurrentQueue<LlmAuditEvent> _events = new();

    public IReadOnlyList<LlmAuditEvent> Events => [.. _events];

    public ValueTask WriteAsync(LlmAuditEvent auditEvent, CancellationToken cancellationToken = default)
    {
        _events.Enqueue(auditEvent);
        return ValueTask.CompletedTask;
    }
}
