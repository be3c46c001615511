namespace LlmFallback;

/// <summary>The answer of <see cref="ILlmRateLimitStore.TryAcquireAsync"/>.</summary>
/// <param name="IsAcquired">Whether every rule's permits were taken.</param>
/// <param name="RejectedIndex">The index of the first rule that refused, or -1.</param>
/// <param name="RetryAfter">When refused, how long until that rule would accept the request.</param>
public readonly record struct LlmRateLimitDecision(bool IsAcquired, int RejectedIndex, TimeSpan RetryAfter)
{
    /// <summary>Gets an acquired decision.</summary>
    public static LlmRateLimitDecision Acquired { get; } = new(true, -1, TimeSpan.Zero);
}
