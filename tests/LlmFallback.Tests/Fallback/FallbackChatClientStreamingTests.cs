using System.Net.Http;
using LlmFallback.Testing;

namespace LlmFallback.Tests.Fallback;

/// <summary>
/// Streaming completion rules (a finish reason is required), holdback windows that make early failures invisible,
/// idle timeouts, back-pressure, and early disposal.
/// </summary>
public sealed class FallbackChatClientStreamingTests
{
    private static CancellationToken Ct => FallbackFixture.Ct;

    [Fact]
    public async Task GetStreamingResponseAsync_EndsWithoutFinishReasonInsideHoldback_IsFailureAndNextProviderAnswers()
    {
        var f = new FallbackFixture();
        var primary = f.Always(Script.Answer("looks complete").WithoutFinish());
        var secondary = f.Always(Script.Answer("from b"));
        using var client = f.Client(
            [f.Provider("a", primary, o => o.Resilience.MaxRetries = 0), f.Provider("b", secondary)],
            FallbackFixture.Options(o => o.Streaming.HoldbackCharacters = 1000));

        var result = await StreamResult.DrainAsync(client.GetStreamingResponseAsync("hi", cancellationToken: Ct));

        Assert.Null(result.Error);
        Assert.Equal("from b", result.Text);
        var failed = result.ToResponse().GetLlmCallInfo()!.Attempts[0];
        Assert.Equal((LlmFailureKind.Transport, "stream_incomplete", LlmAttemptDecision.FailedOver), (failed.Kind!.Value, failed.Failure!.ErrorCode, failed.Decision));
    }

    [Fact]
    public async Task GetStreamingResponseAsync_EndsWithoutFinishReasonAfterCommit_ThrowsPartialInsteadOfSuccess()
    {
        var f = new FallbackFixture();
        var primary = f.Always(Script.Answer("looks complete").WithoutFinish());
        using var client = f.Client([f.Provider("a", primary)]);

        var result = await StreamResult.DrainAsync(client.GetStreamingResponseAsync("hi", cancellationToken: Ct));

        var error = Assert.IsType<LlmPartialResponseException>(result.Error);
        Assert.Equal(("a", 14, LlmFailureKind.Transport), (error.Provider, error.CommittedCharacters, error.Failure.Kind));
        Assert.Equal("looks complete", result.Text);
        Assert.All(result.Updates, u => Assert.Null(u.GetLlmCallInfo()));
        Assert.Contains("partial", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_EmptyStreamWithoutFinishReason_IsFailureNotAnEmptyAnswer()
    {
        var f = new FallbackFixture();
        var empty = TestChatClient.Streaming([]);
        var secondary = f.Always(Script.Answer("from b"));
        using var client = f.Client([f.Provider("a", empty, o => o.Resilience.MaxRetries = 0), f.Provider("b", secondary)]);
        using var alone = f.Client([f.Provider("only", TestChatClient.Streaming([]), o => o.Resilience.MaxRetries = 0)]);

        var failedOver = await StreamResult.DrainAsync(client.GetStreamingResponseAsync("hi", cancellationToken: Ct));
        var exhausted = await StreamResult.DrainAsync(alone.GetStreamingResponseAsync("hi", cancellationToken: Ct));

        Assert.Equal("from b", failedOver.Text);
        Assert.IsType<LlmFallbackExhaustedException>(exhausted.Error);
        Assert.Empty(exhausted.Updates);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_FinishReasonThenException_IsSuccessFinalisedAtOnce()
    {
        var f = new FallbackFixture();
        var a = f.Provider("a", TestChatClient.Streaming([TestChatClient.Text("Hello"), TestChatClient.Text(" world"), TestChatClient.Finish()], TestChatClient.Cut), o => o.Resilience.CircuitBreaker.ConsecutiveFailures = 1);
        var secondary = f.Always(Script.Answer("from b", modelId: "b"));
        using var client = f.Client([a, f.Provider("b", secondary, o => o.Capabilities.PrefillContinuation = true)]);

        var result = await StreamResult.DrainAsync(client.GetStreamingResponseAsync("hi", cancellationToken: Ct));

        Assert.Null(result.Error);
        Assert.Equal("Hello world", result.ToResponse().Text);
        Assert.Equal(ChatFinishReason.Stop, result.ToResponse().FinishReason);
        var info = result.ToResponse().GetLlmCallInfo()!;
        Assert.Equal(("a", 1, LlmAttemptDecision.Answered), (info.Provider, info.AttemptCount, Assert.Single(info.Attempts).Decision));
        Assert.Equal(0, secondary.CallCount);
        Assert.Equal(LlmCircuitState.Closed, a.GetHealth().State);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_FinishReasonThenStall_IsSuccessFinalisedAfterCompletionGracePeriod()
    {
        var f = new FallbackFixture();
        var disposed = false;
        var stalled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var primary = TestChatClient.Streaming([TestChatClient.Text("Hello"), TestChatClient.Finish()], TestChatClient.Stall(stalled), () => disposed = true);
        var secondary = f.Always(Script.Answer("from b"));
        using var client = f.Client(
            [f.Provider("a", primary), f.Provider("b", secondary, o => o.Capabilities.PrefillContinuation = true)],
            FallbackFixture.Options(o => (o.Streaming.CompletionGracePeriod, o.Streaming.IdleTimeout) = (TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(30))));

        var drain = StreamResult.DrainAsync(client.GetStreamingResponseAsync("hi", cancellationToken: Ct));
        await stalled.Task.WaitAsync(Ct);
        f.AdvanceMs(1999);
        await Poll.SettleAsync();
        Assert.False(drain.IsCompleted);
        f.AdvanceMs(1);
        var result = await Poll.CompletesAsync(drain);

        Assert.Null(result.Error);
        Assert.Equal("Hello", result.ToResponse().Text);
        Assert.Equal("a", result.ToResponse().GetLlmCallInfo()!.Provider);
        Assert.True(disposed);
        Assert.Equal(0, secondary.CallCount);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_FailureInsideCharacterHoldback_RestartsCleanlyOnNextProvider()
    {
        var f = new FallbackFixture();
        var primary = f.Always(Script.Answer("Hello there").ThenCut());
        var secondary = f.Always(Script.Answer("A clean answer."));
        using var client = f.Client(
            [f.Provider("a", primary, o => o.Resilience.MaxRetries = 0), f.Provider("b", secondary)],
            FallbackFixture.Options(o => o.Streaming.HoldbackCharacters = 20));

        var result = await StreamResult.DrainAsync(client.GetStreamingResponseAsync("hi", cancellationToken: Ct));

        Assert.Null(result.Error);
        Assert.Equal("A clean answer.", result.Text);
        Assert.DoesNotContain(result.Updates, u => u.Text.Contains("there", StringComparison.Ordinal));
        Assert.Single(secondary.Calls[0].Messages);
        var info = result.ToResponse().GetLlmCallInfo()!;
        Assert.False(info.Rescued);
        Assert.Equal(LlmAttemptDecision.FailedOver, info.Attempts[0].Decision);
        Assert.Single(result.ToResponse().Messages);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_HoldbackCharactersReached_CommitsOutputSoLaterFailureIsPartial()
    {
        var f = new FallbackFixture();
        var primary = f.Always(Script.Answer("Hello there friend").ThenCut());
        var secondary = f.Always(Script.Answer("A clean answer."));
        using var client = f.Client(
            [f.Provider("a", primary, o => o.Resilience.MaxRetries = 0), f.Provider("b", secondary)],
            FallbackFixture.Options(o => o.Streaming.HoldbackCharacters = 5));

        var result = await StreamResult.DrainAsync(client.GetStreamingResponseAsync("hi", cancellationToken: Ct));

        var error = Assert.IsType<LlmPartialResponseException>(result.Error);
        Assert.Equal("Hello there friend", result.Text);
        Assert.Equal(18, error.CommittedCharacters);
        Assert.Equal(0, secondary.CallCount);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_FailureInsideDurationHoldback_RestartsCleanlyOnNextProvider()
    {
        var f = new FallbackFixture();
        var primary = f.Always(Script.Stream("Hel", "lo").WithTokenDelay(TimeSpan.FromSeconds(1)).ThenCut());
        var secondary = f.Always(Script.Answer("A clean answer."));
        using var client = f.Client(
            [f.Provider("a", primary, o => o.Resilience.MaxRetries = 0), f.Provider("b", secondary)],
            FallbackFixture.Options(o => o.Streaming.HoldbackDuration = TimeSpan.FromSeconds(2)));

        var drain = StreamResult.DrainAsync(client.GetStreamingResponseAsync("hi", cancellationToken: Ct), f.Time);
        await Poll.UntilAsync(() => primary.CallCount == 1);
        await f.ExpectCallAfterAsync(secondary, TimeSpan.FromSeconds(1));
        var result = await Poll.CompletesAsync(drain);

        Assert.Null(result.Error);
        Assert.Equal("A clean answer.", result.Text);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_DurationHoldbackElapsed_CommitsHeldOutputThenStreams()
    {
        var f = new FallbackFixture();
        var primary = f.Always(Script.Stream("a", "b", "c", "d").WithTokenDelay(TimeSpan.FromSeconds(1)).ThenCut());
        using var client = f.Client(
            [f.Provider("a", primary, o => o.Resilience.MaxRetries = 0)],
            FallbackFixture.Options(o => (o.Streaming.HoldbackDuration, o.Streaming.Rescue) = (TimeSpan.FromSeconds(2), StreamRescueMode.None)));

        var timers = f.Time.TimersCreated;
        var drain = StreamResult.DrainAsync(client.GetStreamingResponseAsync("hi", cancellationToken: Ct), f.Time);
        await Poll.UntilAsync(() => f.Time.TimersCreated > timers, "the second token is awaited");
        await f.AdvanceUntilNextTimerAsync(TimeSpan.FromSeconds(1));
        await f.AdvanceUntilNextTimerAsync(TimeSpan.FromSeconds(1));
        f.Advance(TimeSpan.FromSeconds(1));
        var result = await Poll.CompletesAsync(drain);

        Assert.IsType<LlmPartialResponseException>(result.Error);
        Assert.Equal("abcd", result.Text);

        // Nothing reached the caller before the window closed at 2 s; then the held tokens came at once.
        Assert.Equal([2, 2, 2, 3], result.ReceivedAt.Select(t => (int)(t - f.Start).TotalSeconds));
    }

    [Fact]
    public async Task GetStreamingResponseAsync_HoldbackUntilComplete_CallerReceivesNothingBeforeTheFinishReason()
    {
        var f = new FallbackFixture();
        var primary = f.Always(Script.Stream("a", "b", "c").WithTokenDelay(TimeSpan.FromSeconds(1)));
        using var client = f.Client([f.Provider("a", primary)], FallbackFixture.Options(o => o.Streaming.HoldbackUntilComplete = true));

        var timers = f.Time.TimersCreated;
        var reading = new StreamResult();
        var drain = reading.ReadAsync(client.GetStreamingResponseAsync("hi", cancellationToken: Ct), f.Time);
        await Poll.UntilAsync(() => f.Time.TimersCreated > timers, "the second token is awaited");
        await f.AdvanceUntilNextTimerAsync(TimeSpan.FromSeconds(1));
        Assert.Equal(0, reading.Count);
        f.Advance(TimeSpan.FromSeconds(1));
        var result = await Poll.CompletesAsync(drain);

        Assert.Null(result.Error);
        Assert.Equal("abc", result.ToResponse().Text);
        Assert.All(result.ReceivedAt, t => Assert.Equal(f.Start + TimeSpan.FromSeconds(2), t));
    }

    [Fact]
    public async Task GetStreamingResponseAsync_HoldbackUntilCompleteAndCut_RestartsCleanlyOnNextProvider()
    {
        var f = new FallbackFixture();
        var primary = f.Always(Script.Answer("almost the whole answer").ThenCut());
        var secondary = f.Always(Script.Answer("the answer"));
        using var client = f.Client(
            [f.Provider("a", primary, o => o.Resilience.MaxRetries = 0), f.Provider("b", secondary)],
            FallbackFixture.Options(o => o.Streaming.HoldbackUntilComplete = true));

        var result = await StreamResult.DrainAsync(client.GetStreamingResponseAsync("hi", cancellationToken: Ct));

        Assert.Equal("the answer", result.Text);
        Assert.Single(result.ToResponse().Messages);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_ProviderGoesSilentBetweenUpdates_IdleTimeoutFailsOver()
    {
        var f = new FallbackFixture();
        var stalled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var primary = TestChatClient.Streaming([TestChatClient.Text("a"), TestChatClient.Text(" b")], TestChatClient.Stall(stalled));
        var secondary = f.Always(Script.Answer("from b"));
        using var client = f.Client(
            [f.Provider("a", primary), f.Provider("b", secondary)],
            FallbackFixture.Options(o => (o.Streaming.HoldbackUntilComplete, o.Streaming.IdleTimeout) = (true, TimeSpan.FromSeconds(3))));

        var drain = StreamResult.DrainAsync(client.GetStreamingResponseAsync("hi", cancellationToken: Ct));
        await stalled.Task.WaitAsync(Ct);
        await f.ExpectCallAfterAsync(secondary, TimeSpan.FromSeconds(3));
        var result = await Poll.CompletesAsync(drain);

        Assert.Equal("from b", result.Text);
        Assert.Equal(1, primary.CallCount);
        var idle = result.ToResponse().GetLlmCallInfo()!.Attempts[0];
        Assert.Equal((LlmFailureKind.Timeout, "idle_timeout", TimeSpan.FromSeconds(3)), (idle.Kind!.Value, idle.Failure!.ErrorCode, idle.Duration));
    }

    [Fact]
    public async Task GetStreamingResponseAsync_ProviderIdleTimeout_OverridesTheStageValue()
    {
        var f = new FallbackFixture();
        var stalled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var primary = TestChatClient.Streaming([TestChatClient.Text("a"), TestChatClient.Text(" b")], TestChatClient.Stall(stalled));
        var secondary = f.Always(Script.Answer("from b"));
        using var client = f.Client(
            [f.Provider("a", primary, o => o.Resilience.IdleTimeout = TimeSpan.FromSeconds(1)), f.Provider("b", secondary)],
            FallbackFixture.Options(o => (o.Streaming.HoldbackUntilComplete, o.Streaming.IdleTimeout) = (true, TimeSpan.FromSeconds(30))));

        var drain = StreamResult.DrainAsync(client.GetStreamingResponseAsync("hi", cancellationToken: Ct));
        await stalled.Task.WaitAsync(Ct);
        await f.ExpectCallAfterAsync(secondary, TimeSpan.FromSeconds(1));

        Assert.Equal("from b", (await Poll.CompletesAsync(drain)).Text);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_CallerHoldsEachUpdateLongerThanIdleTimeout_DoesNotTimeOut()
    {
        var f = new FallbackFixture();
        var primary = f.Always(Script.Answer("one two three"));
        var secondary = f.Always(Script.Answer("from b"));
        using var client = f.Client(
            [f.Provider("a", primary), f.Provider("b", secondary, o => o.Capabilities.PrefillContinuation = true)],
            FallbackFixture.Options(o => (o.Streaming.IdleTimeout, o.Streaming.FirstTokenTimeout, o.Streaming.CompletionGracePeriod) = (TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(3))));

        var received = new List<string>();
        await foreach (var update in client.GetStreamingResponseAsync("hi", cancellationToken: Ct))
        {
            received.Add(update.Text);

            // A slow consumer: back-pressure is not provider silence.
            f.Advance(TimeSpan.FromSeconds(60));
            await Poll.SettleAsync();
        }

        Assert.Equal("one two three", string.Concat(received));
        Assert.Equal((1, 0), (primary.CallCount, secondary.CallCount));
    }

    [Fact]
    public async Task GetStreamingResponseAsync_CallerHoldsAnEmptyFirstUpdate_DoesNotSpendTheFirstTokenTimeout()
    {
        var f = new FallbackFixture();
        var primary = TestChatClient.Streaming([new ChatResponseUpdate(ChatRole.Assistant, string.Empty) { MessageId = "a1" }, TestChatClient.Text("token", "a1"), TestChatClient.Finish("a1")]);
        var secondary = f.Always(Script.Answer("from b"));
        using var client = f.Client(
            [f.Provider("a", primary), f.Provider("b", secondary)],
            FallbackFixture.Options(o => o.Streaming.FirstTokenTimeout = TimeSpan.FromSeconds(5)));

        var received = new List<string>();
        await foreach (var update in client.GetStreamingResponseAsync("hi", cancellationToken: Ct))
        {
            received.Add(update.Text);
            f.Advance(TimeSpan.FromSeconds(60));
            await Poll.SettleAsync();
        }

        Assert.Equal("token", string.Concat(received));
        Assert.Equal(0, secondary.CallCount);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_CallerStopsEarly_DisposesInnerStreamWithoutFailOverOrBreakerVerdict()
    {
        var f = new FallbackFixture();
        var disposed = false;
        var primary = TestChatClient.Streaming([TestChatClient.Text("one"), TestChatClient.Text(" two"), TestChatClient.Finish()], onDisposed: () => disposed = true);
        var secondary = f.Always(Script.Answer("from b"));
        var a = f.Provider("a", primary, o => o.Resilience.CircuitBreaker.ConsecutiveFailures = 1);
        using var client = f.Client([a, f.Provider("b", secondary)]);

        await foreach (var update in client.GetStreamingResponseAsync("hi", cancellationToken: Ct))
        {
            Assert.Equal("one", update.Text);
            break;
        }

        Assert.True(disposed);
        Assert.Equal(0, secondary.CallCount);
        Assert.Equal((LlmCircuitState.Closed, 0), (a.GetHealth().State, a.GetHealth().ConsecutiveFailures));
    }

    [Fact]
    public async Task GetStreamingResponseAsync_FirstProviderBreakerOpen_SkipsItWithoutCall()
    {
        var f = new FallbackFixture();
        var primary = f.Always(Script.Status(500));
        var secondary = f.Always(Script.Answer("from b"));
        var a = f.Provider("a", primary, o => (o.Resilience.CircuitBreaker.ConsecutiveFailures, o.Resilience.MaxRetries) = (1, 0));
        using var client = f.Client([a, f.Provider("b", secondary)]);
        await StreamResult.DrainAsync(client.GetStreamingResponseAsync("opens a", cancellationToken: Ct));

        var result = await StreamResult.DrainAsync(client.GetStreamingResponseAsync("hi", cancellationToken: Ct));

        Assert.Equal("from b", result.Text);
        Assert.Equal(1, primary.CallCount);
        Assert.Equal(LlmAttemptDecision.Skipped, result.ToResponse().GetLlmCallInfo()!.Attempts[0].Decision);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_UpdatesWithoutModel_CarryTheConfiguredModel()
    {
        var f = new FallbackFixture();
        var primary = TestChatClient.Streaming([TestChatClient.Text("Hi"), TestChatClient.Finish()]);
        using var client = f.Client([f.Provider("a", primary, o => o.Model = "a-configured")]);

        var result = await StreamResult.DrainAsync(client.GetStreamingResponseAsync("hi", cancellationToken: Ct));

        Assert.All(result.Updates, u => Assert.Equal("a-configured", u.ModelId));
        Assert.Equal("a-configured", result.ToResponse().ModelId);
    }
}
