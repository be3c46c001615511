namespace LlmFallback;

/// <summary>
/// Receives the pipeline's audit events: PII found, moderation blocks, input rejections, budget stops and limiter
/// rejections. Events carry types, counts and ids, never message content or detected values.
/// </summary>
/// <remarks>Implementations must be thread-safe and should not block: buffer and write in the background.</remarks>
public interface IAuditSink
{
    /// <summary>Records one event.</summary>
    /// <param name="auditEvent">The event.</param>
    /// <param name="cancellationToken">The request's cancellation token.</param>
    /// <returns>A task that completes when the event is accepted.</returns>
    ValueTask WriteAsync(LlmAuditEvent auditEvent, CancellationToken cancellationToken = default);
}
