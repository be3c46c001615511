namespace LlmFallback;

/// <summary>What an <see cref="LlmAuditEvent"/> records.</summary>
public enum LlmAuditEventKind
{
    /// <summary>Personal data was found and handled (rejected, redacted, masked, pseudonymised or warned about).</summary>
    PiiDetected = 1,

    /// <summary>Moderation blocked an input or an output.</summary>
    ModerationBlocked = 2,

    /// <summary>Moderation flagged an input or an output and let it through.</summary>
    ModerationFlagged = 3,

    /// <summary>Input validation rejected a request.</summary>
    InputRejected = 4,

    /// <summary>A budget stopped or downgraded a request.</summary>
    BudgetExceeded = 5,

    /// <summary>A rate limit rejected a request.</summary>
    RateLimited = 6,
}
