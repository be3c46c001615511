namespace LlmFallback.Tests;

/// <summary>A moderation service whose answer is a callback; records what it was asked.</summary>
public sealed class TestModerationService : IModerationService
{
    public Func<string, LlmContentSide, CancellationToken, Task<ModerationResult>> OnModerate { get; set; } = (_, _, _) => Task.FromResult(ModerationResult.Clean);

    public List<(string Text, LlmContentSide Side)> Calls { get; } = [];

    public async ValueTask<ModerationResult> ModerateAsync(string text, LlmContentSide side, CancellationToken cancellationToken = default)
    {
        lock (Calls)
        {
            Calls.Add((text, side));
        }

        return await OnModerate(text, side, cancellationToken);
    }
}
