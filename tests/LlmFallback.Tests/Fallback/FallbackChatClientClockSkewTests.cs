using Microsoft.Extensions.Time.Testing;

namespace LlmFallback.Tests.Fallback;

/// <summary>Real timers fire on a coarser clock than the timestamps the cool-down is measured with.</summary>
public class FallbackChatClientClockSkewTests
{
    [Fact]
    public async Task GetResponseAsync_RetryAfterTimerFiresATickEarly_RetriesTheSameProviderInsteadOfSkippingIt()
    {
        var fake = new FakeTimeProvider();
        var time = new EarlyTimers(fake);
        var calls = 0;
        var primary = new TestChatClient
        {
            OnGetResponse = (_, _, _) => ++calls == 1
                ? Task.FromException<ChatResponse>(new LlmProviderException(LlmFailureKind.RateLimited, statusCode: 429, retryAfter: TimeSpan.FromSeconds(1)))
                : Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "after the wait"))),
        };
        var backup = TestChatClient.Answering("backup");
        using var client = new FallbackChatClient(
            [new LlmProvider("primary", primary, timeProvider: time), new LlmProvider("backup", backup, timeProvider: time)],
            timeProvider: time);

        var call = client.GetResponseAsync("hi", cancellationToken: TestContext.Current.CancellationToken);
        for (var i = 0; i < 500 && calls < 1; i++)
        {
            await Task.Delay(1, TestContext.Current.CancellationToken);
        }

        fake.Advance(TimeSpan.FromSeconds(1) - TimeSpan.FromTicks(1));
        var response = await call;

        Assert.Equal("after the wait", response.Text);
        Assert.Equal(0, backup.CallCount);
    }

    /// <summary>Delegates to a fake clock, but every timer fires one tick before it is due.</summary>
    private sealed class EarlyTimers(FakeTimeProvider inner) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => inner.GetUtcNow();

        public override long GetTimestamp() => inner.GetTimestamp();

        public override long TimestampFrequency => inner.TimestampFrequency;

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
            inner.CreateTimer(callback, state, dueTime > TimeSpan.FromTicks(1) ? dueTime - TimeSpan.FromTicks(1) : dueTime, period);
    }
}
