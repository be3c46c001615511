namespace LlmFallback;

/// <summary>One audited decision of the pipeline. Never holds message content or a detected value.</summary>
public sealed class LlmAuditEvent
{
    /// <summary>Initializes a new instance of the <see cref="LlmAuditEvent"/> class.</summary>
    /// <param name="kind">What happened.</param>
    /// <param name="timestamp">When it happened (from the pipeline's <see cref="TimeProvider"/>).</param>
    /// <param name="stage">The stage that decided, e.g. <c>pii</c>, <c>moderation</c>, <c>budgets</c>.</param>
    public LlmAuditEvent(LlmAuditEventKind kind, DateTimeOffset timestamp, string stage)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(stage);
        Kind = kind;
        Timestamp = timestamp;
        Stage = stage;
    }

    /// <summary>Gets what happened.</summary>
    public LlmAuditEventKind Kind { get; }

    /// <summary>Gets when it happened.</summary>
    public DateTimeOffset Timestamp { get; }

    /// <summary>Gets the stage that decided.</summary>
    public string Stage { get; }

    /// <summary>Gets or sets the user the request was made for (<see cref="LlmChatOptionsExtensions.WithUser"/>).</summary>
    public string? User { get; init; }

    /// <summary>Gets or sets the tenant the request was made for.</summary>
    public string? Tenant { get; init; }

    /// <summary>Gets or sets the id of the caller's API key.</summary>
    public string? ApiKeyId { get; init; }

    /// <summary>Gets or sets the side of the call: <c>input</c> or <c>output</c>.</summary>
    public string? Direction { get; init; }

    /// <summary>Gets or sets the action taken, e.g. <c>reject</c>, <c>redact</c>, <c>block</c>, <c>flag</c>, <c>downgrade</c>.</summary>
    public string? Action { get; init; }

    /// <summary>Gets or sets a content-free reason, e.g. the limit that was exceeded.</summary>
    public string? Reason { get; init; }

    /// <summary>Gets or sets counts by type (PII entity types, moderation categories), never values.</summary>
    public IReadOnlyDictionary<string, int>? Counts { get; init; }
}
