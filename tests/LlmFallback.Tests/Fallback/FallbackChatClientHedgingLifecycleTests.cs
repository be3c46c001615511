using LlmFallback.Testing;
using Microsoft.Extensions.Time.Testing;

namespace LlmFallback.Tests.Fallback;

/// <summary>
/// Hedged attempts whose calls end in unusual ways: a deadline while the other call runs (what the failure keeps), and
/// an application classifier that throws in the middle of the race (every timer and stream still released once).
/// </summary>
public sealed class FallbackChatClientHedgingLifecycleTests
{
    private static readonly List<ChatMessage> Hello = [new(ChatRole.User, "hello")];

    private static readonly string Echoed = $"request aborted; Authorization: Bearer {FallbackFixture.FakeKey}";

    private static FallbackOptions Hedging() => FallbackFixture.Options(o =>
    {
        o.Hedging.Enabled = true;
        o.Hedging.Delay = TimeSpan.FromSeconds(2);
        o.Hedging.MaxHedgeRatio = 1;
    });

    private static async Task<T> DriveAsync<T>(FallbackFixture f, Task<T> task)
    {
        for (var i = 0; i < 40 && !task.IsCompleted; i++)
        {
            await Poll.SettleAsync();
            if (!task.IsCompleted)
            {
                f.Advance(TimeSpan.FromMilliseconds(500));
            }
        }

        return await Poll.CompletesAsync(task);
    }

    [Fact]
    public async Task GetResponseAsync_PrimaryHitsItsDeadlineWhileTheHedgeRuns_TheTimeoutKeepsNoSecret()
    {
        var f = new FallbackFixture();
        var primaryClient = new TestChatClient
        {
            OnGetResponse = async (_, _, ct) =>
            {
                await HangThenEchoAsync(f, ct);
                return null!;
            },
        };
        var primary = f.Provider("primary", primaryClient, o => o.Resilience.AttemptTimeout = TimeSpan.FromSeconds(3));
        var hedge = f.Provider("hedge", f.Script(Script.Answer("hedge").Delayed(TimeSpan.FromSeconds(5))));
        var client = f.Client([primary, hedge], Hedging());

        var response = await DriveAsync(f, client.GetResponseAsync(Hello, null, FallbackFixture.Ct));

        Assert.Equal("hedge", response.Text);
        AssertTimedOutWithoutSecret(response.GetLlmCallInfo()!.Attempts[0], "attempt_timeout");
    }

    [Fact]
    public async Task GetStreamingResponseAsync_PrimaryHitsItsFirstTokenDeadlineWhileTheHedgeRuns_TheTimeoutKeepsNoSecret()
    {
        var f = new FallbackFixture();
        var primary = f.Provider(
            "primary",
            TestChatClient.Streaming([], ct => HangThenEchoAsync(f, ct)),
            o => o.Resilience.FirstTokenTimeout = TimeSpan.FromSeconds(3));
        var hedge = f.Provider("hedge", f.Script(Script.Stream("hedge").WithFirstTokenDelay(TimeSpan.FromSeconds(5))));
        var client = f.Client([primary, hedge], Hedging());

        var result = await DriveAsync(f, new StreamResult().ReadAsync(client.GetStreamingResponseAsync(Hello, null, FallbackFixture.Ct)));

        Assert.Null(result.Error);
        Assert.Equal("hedge", result.Text);
        AssertTimedOutWithoutSecret(result.Updates[^1].GetLlmCallInfo()!.Attempts[0], "first_token_timeout");
    }

    /// <summary>A call that hangs until its deadline, then fails the way an SDK reports an aborted request: with what it sent.</summary>
    private static async Task HangThenEchoAsync(FallbackFixture f, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, f.Time, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            throw new InvalidOperationException(Echoed);
        }
    }

    private static void AssertTimedOutWithoutSecret(LlmAttempt attempt, string errorCode)
    {
        Assert.Equal(("primary", LlmFailureKind.Timeout, errorCode), (attempt.Provider, attempt.Kind!.Value, attempt.Failure!.ErrorCode));
        Assert.NotNull(attempt.Failure.Exception);
        Assert.DoesNotContain(FallbackFixture.FakeKey, attempt.Failure.Exception!.ToString(), StringComparison.Ordinal);
    }
}
