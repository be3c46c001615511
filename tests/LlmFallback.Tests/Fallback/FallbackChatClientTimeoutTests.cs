using System.Runtime.CompilerServices;
using LlmFallback.Testing;

namespace LlmFallback.Tests.Fallback;

/// <summary>Attempt and first-token timeouts: a silent provider is left at once, not retried unless asked.</summary>
public sealed class FallbackChatClientTimeoutTests
{
    private static CancellationToken Ct => FallbackFixture.Ct;

    [Fact]
    public async Task GetResponseAsync_ProviderHangs_TimesOutAtAttemptTimeoutAndFailsOverWithoutRetry()
    {
        var f = new FallbackFixture();
        var primary = f.Always(Script.Hang());
        var secondary = f.Always(Script.Answer("from b"));
        using var client = f.Client(
            [f.Provider("a", primary, o => (o.Resilience.AttemptTimeout, o.Resilience.MaxRetries) = (TimeSpan.FromSeconds(10), 2)), f.Provider("b", secondary)]);

        var task = client.GetResponseAsync("hi", cancellationToken: Ct);
        await f.ExpectCallAfterAsync(secondary, TimeSpan.FromSeconds(10));
        var response = await Poll.CompletesAsync(task);

        Assert.Equal("from b", response.Text);
        Assert.Equal(1, primary.CallCount);
        var timedOut = response.GetLlmCallInfo()!.Attempts[0];
        Assert.Equal((LlmFailureKind.Timeout, LlmAttemptDecision.FailedOver, "attempt_timeout"), (timedOut.Kind!.Value, timedOut.Decision, timedOut.Failure!.ErrorCode));
        Assert.Equal(TimeSpan.FromSeconds(10), timedOut.Duration);
        Assert.Equal(LlmFailureKind.Timeout, response.GetLlmCallInfo()!.FallbackReason);
    }

    [Fact]
    public async Task GetResponseAsync_RetryOnTimeout_RetriesSameProviderAfterBackoff()
    {
        var f = new FallbackFixture();
        var primary = f.Script(Script.Hang(), Script.Answer("second try"));
        var secondary = f.Always(Script.Answer("from b"));
        using var client = f.Client(
            [f.Provider("a", primary, o => (o.Resilience.AttemptTimeout, o.Resilience.RetryOnTimeout) = (TimeSpan.FromSeconds(10), true)), f.Provider("b", secondary)],
            jitter: 0.5);

        var task = client.GetResponseAsync("hi", cancellationToken: Ct);
        f.Advance(TimeSpan.FromSeconds(10));
        await f.AttemptsFailedAsync(1);
        await f.ExpectCallAfterAsync(primary, TimeSpan.FromMilliseconds(500)); // 1 s × 0.5 backoff
        var response = await Poll.CompletesAsync(task);

        Assert.Equal("second try", response.Text);
        Assert.Equal(0, secondary.CallCount);
        Assert.Equal(LlmAttemptDecision.Retried, response.GetLlmCallInfo()!.Attempts[0].Decision);
    }

    [Fact]
    public async Task GetResponseAsync_ProviderAnswersJustBeforeTimeout_IsNotTimedOut()
    {
        var f = new FallbackFixture();
        var primary = f.Always(Script.Answer("slow but fine").WithFirstTokenDelay(TimeSpan.FromSeconds(10) - TimeSpan.FromMilliseconds(1)));
        var secondary = f.Always(Script.Answer("from b"));
        using var client = f.Client([f.Provider("a", primary, o => o.Resilience.AttemptTimeout = TimeSpan.FromSeconds(10)), f.Provider("b", secondary)]);

        var task = client.GetResponseAsync("hi", cancellationToken: Ct);
        f.Advance(TimeSpan.FromSeconds(10) - TimeSpan.FromMilliseconds(1));
        var response = await Poll.CompletesAsync(task);

        Assert.Equal("slow but fine", response.Text);
        Assert.Equal(0, secondary.CallCount);
    }

    [Fact]
    public async Task GetResponseAsync_ProviderThrowsItsOwnCancellation_IsATimeoutAndFailsOver()
    {
        // An HttpClient timeout surfaces as TaskCanceledException with a token that is not the caller's.
        var f = new FallbackFixture();
        var primary = f.Always(Script.Throw(() => new TaskCanceledException("The request was canceled due to the configured HttpClient.Timeout")));
        var secondary = f.Always(Script.Answer("from b"));
        using var client = f.Client([f.Provider("a", primary, o => o.Resilience.MaxRetries = 2), f.Provider("b", secondary)]);

        var response = await client.GetResponseAsync("hi", cancellationToken: Ct);

        Assert.Equal("from b", response.Text);
        Assert.Equal(1, primary.CallCount);
        Assert.Equal(LlmFailureKind.Timeout, response.GetLlmCallInfo()!.FallbackReason);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_NoFirstTokenInTime_FailsOverAtOnceWithoutRetry()
    {
        var f = new FallbackFixture();
        var primary = f.Always(Script.Answer("too late").WithFirstTokenDelay(TimeSpan.FromMinutes(5)));
        var secondary = f.Always(Script.Answer("from b"));
        var options = FallbackFixture.Options(o => o.Streaming.FirstTokenTimeout = TimeSpan.FromSeconds(5));
        using var client = f.Client([f.Provider("a", primary, o => o.Resilience.MaxRetries = 2), f.Provider("b", secondary)], options);

        var drain = StreamResult.DrainAsync(client.GetStreamingResponseAsync("hi", cancellationToken: Ct));
        await Poll.UntilAsync(() => primary.CallCount == 1);
        await f.ExpectCallAfterAsync(secondary, TimeSpan.FromSeconds(5));
        var result = await Poll.CompletesAsync(drain);

        Assert.Null(result.Error);
        Assert.Equal("from b", result.ToResponse().Text);
        Assert.Equal(1, primary.CallCount);
        var timedOut = result.ToResponse().GetLlmCallInfo()!.Attempts[0];
        Assert.Equal((LlmFailureKind.Timeout, LlmAttemptDecision.FailedOver, "first_token_timeout"), (timedOut.Kind!.Value, timedOut.Decision, timedOut.Failure!.ErrorCode));
        Assert.Equal(TimeSpan.FromSeconds(5), timedOut.Duration);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_EmptyUpdatesButNoTokenInTime_FirstTokenTimeoutStillApplies()
    {
        // Servers often open a stream with content-less updates (a role-only delta, filter results) long before the
        // first token: those are not the first token.
        var f = new FallbackFixture();
        var silent = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var primary = TestChatClient.Streaming(
            [new ChatResponseUpdate(ChatRole.Assistant, string.Empty) { MessageId = "a1" }, new ChatResponseUpdate { MessageId = "a1" }],
            TestChatClient.Stall(silent));
        var secondary = f.Always(Script.Answer("from b"));
        var options = FallbackFixture.Options(o => (o.Streaming.FirstTokenTimeout, o.Streaming.IdleTimeout) = (TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(30)));
        using var client = f.Client([f.Provider("a", primary), f.Provider("b", secondary)], options);

        var drain = StreamResult.DrainAsync(client.GetStreamingResponseAsync("hi", cancellationToken: Ct));
        await silent.Task.WaitAsync(Ct);
        f.AdvanceMs(4999);
        await Poll.SettleAsync();
        Assert.Equal(0, secondary.CallCount);
        f.AdvanceMs(1);
        await Poll.UntilAsync(() => secondary.CallCount == 1, "the next provider is called");
        var result = await Poll.CompletesAsync(drain);

        Assert.Null(result.Error);
        Assert.Equal("from b", result.Text);
        Assert.Equal("first_token_timeout", result.ToResponse().GetLlmCallInfo()!.Attempts[0].Failure!.ErrorCode);
        Assert.Single(result.ToResponse().Messages);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_EmptyUpdateAfterThreeSeconds_FirstTokenBudgetKeepsCountingFromTheAttemptStart()
    {
        // The wait that ended with a content-less update is charged to the first-token budget: 3 s of the 5 s are gone,
        // so the attempt times out 2 s later, not 5 s after that update.
        var f = new FallbackFixture();
        var silent = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var primary = new TestChatClient { OnGetStreamingResponse = (_, _, ct) => EmptyAfter(TimeSpan.FromSeconds(3), f.Time, silent, ct) };
        var secondary = f.Always(Script.Answer("from b"));
        var options = FallbackFixture.Options(o => (o.Streaming.FirstTokenTimeout, o.Streaming.IdleTimeout) = (TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(30)));
        using var client = f.Client([f.Provider("a", primary), f.Provider("b", secondary)], options);

        var drain = StreamResult.DrainAsync(client.GetStreamingResponseAsync("hi", cancellationToken: Ct));
        await Poll.UntilAsync(() => f.Time.TryTakeArmed(TimeSpan.FromSeconds(3)), "the empty update is scheduled");
        f.Advance(TimeSpan.FromSeconds(3));
        await silent.Task.WaitAsync(Ct);
        f.AdvanceMs(1999);
        await Poll.SettleAsync();
        Assert.Equal(0, secondary.CallCount);
        f.AdvanceMs(1);
        await Poll.UntilAsync(() => secondary.CallCount == 1, "the next provider is called");

        var result = await Poll.CompletesAsync(drain);
        Assert.Equal("from b", result.Text);
        Assert.Equal(("first_token_timeout", TimeSpan.FromSeconds(5)), (result.ToResponse().GetLlmCallInfo()!.Attempts[0].Failure!.ErrorCode, result.ToResponse().GetLlmCallInfo()!.Attempts[0].Duration));

        static async IAsyncEnumerable<ChatResponseUpdate> EmptyAfter(TimeSpan delay, TimeProvider time, TaskCompletionSource silent, [EnumeratorCancellation] CancellationToken ct)
        {
            await Task.Delay(delay, time, ct);
            yield return new ChatResponseUpdate(ChatRole.Assistant, string.Empty) { MessageId = "a1" };
            silent.TrySetResult();
            await Task.Delay(Timeout.InfiniteTimeSpan, ct);
        }
    }

    [Fact]
    public async Task GetStreamingResponseAsync_ProviderFirstTokenTimeout_OverridesTheStageValue()
    {
        var f = new FallbackFixture();
        var primary = f.Always(Script.Hang());
        var secondary = f.Always(Script.Answer("from b"));
        var options = FallbackFixture.Options(o => o.Streaming.FirstTokenTimeout = TimeSpan.FromSeconds(20));
        using var client = f.Client([f.Provider("a", primary, o => o.Resilience.FirstTokenTimeout = TimeSpan.FromSeconds(2)), f.Provider("b", secondary)], options);

        var drain = StreamResult.DrainAsync(client.GetStreamingResponseAsync("hi", cancellationToken: Ct));
        await Poll.UntilAsync(() => primary.CallCount == 1);
        await f.ExpectCallAfterAsync(secondary, TimeSpan.FromSeconds(2));

        Assert.Equal("from b", (await Poll.CompletesAsync(drain)).Text);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_RetryOnTimeout_RetriesTheStreamOnSameProvider()
    {
        var f = new FallbackFixture();
        var primary = f.Script(Script.Hang(), Script.Answer("second try"));
        var secondary = f.Always(Script.Answer("from b"));
        var options = FallbackFixture.Options(o => o.Streaming.FirstTokenTimeout = TimeSpan.FromSeconds(5));
        using var client = f.Client([f.Provider("a", primary, o => o.Resilience.RetryOnTimeout = true), f.Provider("b", secondary)], options, jitter: 0.5);

        var drain = StreamResult.DrainAsync(client.GetStreamingResponseAsync("hi", cancellationToken: Ct));
        await Poll.UntilAsync(() => primary.CallCount == 1);
        f.Advance(TimeSpan.FromSeconds(5));
        await f.AttemptsFailedAsync(1);
        await f.ExpectCallAfterAsync(primary, TimeSpan.FromMilliseconds(500));
        var result = await Poll.CompletesAsync(drain);

        Assert.Null(result.Error);
        Assert.Equal("second try", result.Text);
        Assert.Equal(0, secondary.CallCount);
    }

    [Fact]
    public async Task GetResponseAsync_TimeoutOnEveryProvider_EachIsLeftAfterItsOwnTimeout()
    {
        var f = new FallbackFixture();
        var first = f.Always(Script.Hang());
        var second = f.Always(Script.Hang());
        using var client = f.Client(
        [
            f.Provider("a", first, o => o.Resilience.AttemptTimeout = TimeSpan.FromSeconds(3)),
            f.Provider("b", second, o => o.Resilience.AttemptTimeout = TimeSpan.FromSeconds(7)),
        ]);

        var task = client.GetResponseAsync("hi", cancellationToken: Ct);
        await f.ExpectCallAfterAsync(second, TimeSpan.FromSeconds(3));
        f.Advance(TimeSpan.FromSeconds(7));
        var error = await Assert.ThrowsAsync<LlmFallbackExhaustedException>(() => Poll.CompletesAsync(task));

        Assert.Equal([LlmFailureKind.Timeout, LlmFailureKind.Timeout], error.Attempts.Select(a => a.Kind!.Value));
        Assert.Equal([TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(7)], error.Attempts.Select(a => a.Duration));
        Assert.Equal((1, 1), (first.CallCount, second.CallCount));
    }
}
