namespace LlmFallback;

/// <summary>What the moderation stage does when a category is found.</summary>
public enum ModerationAction
{
    /// <summary>Stop the call with a <see cref="ModerationException"/>; audited as <see cref="LlmAuditEventKind.ModerationBlocked"/>.</summary>
    Block = 0,

    /// <summary>Let the call through; annotate the response (<see cref="LlmSafetyReport.ModerationFlags"/>), log and audit it.</summary>
    Flag = 1,

    /// <summary>Let the call through and only write a log line.</summary>
    Log = 2,
}

/// <summary>What the moderation stage does when its service fails or times out.</summary>
public enum ModerationFailureMode
{
    /// <summary>Stop the call with a <see cref="ModerationException"/> whose <see cref="ModerationException.IsServiceFailure"/> is set.</summary>
    FailClosed = 0,

    /// <summary>Let the call through unmoderated; log it and mark <see cref="LlmSafetyReport.ModerationSkipped"/>.</summary>
    FailOpen = 1,
}

/// <summary>Which request messages the moderation stage checks.</summary>
public enum ModerationInputScope
{
    /// <summary>User and tool messages (tool results can carry injected instructions); system and assistant messages are the application's and the model's.</summary>
    UserAndToolMessages = 0,

    /// <summary>Only the last user message: the cheapest, for long conversations whose earlier turns were checked before.</summary>
    LastUserMessage = 1,

    /// <summary>Every message.</summary>
    AllMessages = 2,
}
