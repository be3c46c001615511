namespace LlmFallback;

public sealed partial class FallbackChatClient
{
    /// <summary>The first-token limit of a call: learned from the provider's recent streams in auto mode, else (and until enough are known) the fixed value.</summary>
    private static TimeSpan FirstTokenLimit(FallbackPlan plan, LlmProvider provider, int index) =>
        plan.AutoFirstToken is { } auto ? auto.LimitFor(provider, plan.FirstTokenTimeouts[index]) : plan.FirstTokenTimeouts[index];

    /// <summary>
    /// A stream cut off at its learned first-token limit never showed its real time: in auto mode the limit itself is
    /// recorded as a sample, so a deployment that became slower raises its limit (up to the ceiling) instead of being
    /// cut off at the same point for ever. (The limit is read again here: a stream's loop keeps no extra state for it.)
    /// </summary>
    private static void NoteFirstTokenTimeout(FallbackPlan plan, LlmProvider provider, LlmFailure failure, int index)
    {
        if (plan.AutoFirstToken is not null && failure.ErrorCode == "first_token_timeout" && FirstTokenLimit(plan, provider, index) is var limit && limit != Timeout.InfiniteTimeSpan)
        {
            provider.RecordFirstToken(limit);
        }
    }
}
