using LlmFallback.Testing;

namespace LlmFallback.Tests.Fallback;

/// <summary>Hedged requests on fake time: the winner, the cancelled loser, the budget, adaptive delays, streams.</summary>
public sealed class FallbackChatClientHedgingTests
{
    private static readonly List<ChatMessage> Hello = [new(ChatRole.User, "hello")];

    private static FallbackOptions Hedging(Action<HedgingOptions>? configure = null) => FallbackFixture.Options(o =>
    {
        o.Hedging.Enabled = true;
        o.Hedging.Delay = TimeSpan.FromSeconds(2);
        o.Hedging.MaxHedgeRatio = 1;
        configure?.Invoke(o.Hedging);
    });

    /// <summary>A client that answers <paramref name="text"/> after <paramref name="delay"/> of fake time, and records each call's token.</summary>
    private static TestChatClient Slow(FallbackFixture f, TimeSpan delay, string text, List<CancellationToken> tokens, UsageDetails? usage = null) => new()
    {
        OnGetResponse = async (_, _, ct) =>
        {
            lock (tokens)
            {
                tokens.Add(ct);
            }

            await Task.Delay(delay, f.Time, ct);
            return new ChatResponse(new ChatMessage(ChatRole.Assistant, text)) { Usage = usage };
        },
    };

    private static async Task<T> DriveAsync<T>(FallbackFixture f, Task<T> task, TimeSpan step, int maxSteps = 200)
    {
        for (var i = 0; i < maxSteps && !task.IsCompleted; i++)
        {
            await Poll.SettleAsync();
            if (!task.IsCompleted)
            {
                f.Advance(step);
            }
        }

        return await Poll.CompletesAsync(task);
    }

    [Fact]
    public async Task GetResponseAsync_PrimarySlowPastTheDelay_HedgeWinsAndPrimaryIsCancelledWithoutAVerdict()
    {
        var f = new FallbackFixture();
        List<CancellationToken> primaryTokens = [], hedgeTokens = [];
        var primary = f.Provider("primary", Slow(f, TimeSpan.FromSeconds(10), "primary", primaryTokens));
        var hedge = f.Provider("hedge", Slow(f, TimeSpan.FromSeconds(1), "hedge", hedgeTokens));
        var client = f.Client([primary, hedge], Hedging());

        var response = await DriveAsync(f, client.GetResponseAsync(Hello, null, FallbackFixture.Ct), TimeSpan.FromMilliseconds(500));

        Assert.Equal("hedge", response.Text);
        Assert.True(primaryTokens.Single().IsCancellationRequested);
        Assert.False(hedgeTokens.Single().IsCancellationRequested);
        var info = response.GetLlmCallInfo()!;
        Assert.True(info.Hedged);
        Assert.Equal("hedge", info.Provider);
        Assert.Equal(2, info.AttemptCount);
        Assert.Equal([("primary", LlmAttemptDecision.HedgeLost), ("hedge", LlmAttemptDecision.Answered)], info.Attempts.Select(a => (a.Provider, a.Decision)));
        Assert.Equal((0, 0), (primary.InFlight, hedge.InFlight));
        Assert.Equal(0, primary.Breaker.ConsecutiveFailures);
        Assert.Equal(0, f.Logged("AttemptFailed"));
        Assert.Null(info.FallbackReason);
    }

    [Fact]
    public async Task GetResponseAsync_PrimaryAnswersBeforeTheDelay_NoHedge()
    {
        var f = new FallbackFixture();
        List<CancellationToken> tokens = [];
        var hedgeClient = Slow(f, TimeSpan.FromSeconds(1), "hedge", tokens);
        var client = f.Client([f.Provider("primary", Slow(f, TimeSpan.FromSeconds(1.5), "primary", tokens)), f.Provider("hedge", hedgeClient)], Hedging());

        var response = await DriveAsync(f, client.GetResponseAsync(Hello, null, FallbackFixture.Ct), TimeSpan.FromMilliseconds(500));

        Assert.Equal("primary", response.Text);
        Assert.Equal(0, hedgeClient.CallCount);
        Assert.False(response.GetLlmCallInfo()!.Hedged);
    }

    [Fact]
    public async Task GetResponseAsync_PrimaryWinsAfterTheHedgeWasSent_HedgeCancelledAndRecordedAsLost()
    {
        var f = new FallbackFixture();
        List<CancellationToken> primaryTokens = [], hedgeTokens = [];
        var primary = f.Provider("primary", Slow(f, TimeSpan.FromSeconds(3), "primary", primaryTokens));
        var hedge = f.Provider("hedge", Slow(f, TimeSpan.FromSeconds(10), "hedge", hedgeTokens));
        var client = f.Client([primary, hedge], Hedging());

        var response = await DriveAsync(f, client.GetResponseAsync(Hello, null, FallbackFixture.Ct), TimeSpan.FromMilliseconds(500));

        Assert.Equal("primary", response.Text);
        Assert.True(hedgeTokens.Single().IsCancellationRequested);
        Assert.Equal([("hedge", LlmAttemptDecision.HedgeLost), ("primary", LlmAttemptDecision.Answered)], response.GetLlmCallInfo()!.Attempts.Select(a => (a.Provider, a.Decision)));
        Assert.Equal((0, 0), (primary.InFlight, hedge.InFlight));
    }

    [Fact]
    public async Task GetResponseAsync_HedgeFailsWhilePrimaryRuns_HedgeSettledAsFailureAndPrimaryAnswers()
    {
        var f = new FallbackFixture();
        List<CancellationToken> tokens = [];
        var primary = f.Provider("primary", Slow(f, TimeSpan.FromSeconds(5), "primary", tokens));
        var hedge = f.Provider("hedge", f.Always(Script.Status(503)));
        var client = f.Client([primary, hedge], Hedging());

        var response = await DriveAsync(f, client.GetResponseAsync(Hello, null, FallbackFixture.Ct), TimeSpan.FromMilliseconds(500));

        Assert.Equal("primary", response.Text);
        Assert.Equal([("hedge", LlmFailureKind.ServerError, LlmAttemptDecision.FailedOver), ("primary", null, LlmAttemptDecision.Answered)],
            response.GetLlmCallInfo()!.Attempts.Select(a => (a.Provider, a.Kind, a.Decision)));
        Assert.Equal(1, hedge.Breaker.ConsecutiveFailures);
        Assert.Equal((0, 0), (primary.InFlight, hedge.InFlight));
    }

    [Fact]
    public async Task GetResponseAsync_TwentySlowRequestsAtTenPercent_ExactlyTwoHedges()
    {
        var f = new FallbackFixture();
        List<CancellationToken> tokens = [];
        var hedgeClient = Slow(f, TimeSpan.FromSeconds(1), "hedge", tokens);
        var client = f.Client(
            [f.Provider("primary", Slow(f, TimeSpan.FromSeconds(4), "primary", tokens)), f.Provider("hedge", hedgeClient)],
            Hedging(h => { h.MaxHedgeRatio = 0.1; h.BudgetWindow = TimeSpan.FromHours(1); }));

        for (var i = 0; i < 20; i++)
        {
            await DriveAsync(f, client.GetResponseAsync(Hello, null, FallbackFixture.Ct), TimeSpan.FromMilliseconds(500));
        }

        Assert.Equal(2, hedgeClient.CallCount);
        Assert.Equal(18, f.Logged("HedgeBudgetExhausted"));
    }

    [Fact]
    public async Task GetResponseAsync_AdaptiveDelay_HedgeSentAtTheLearnedPercentileNotTheFixedDelay()
    {
        var f = new FallbackFixture();
        List<CancellationToken> tokens = [];
        var hedgeClient = f.Script(Script.Answer("hedge"));
        var primary = f.Provider("primary", Slow(f, TimeSpan.FromSeconds(10), "primary", tokens));
        var client = f.Client([primary, f.Provider("hedge", hedgeClient)], Hedging(h => { h.DelayMode = LlmTimingMode.Auto; h.MinSamples = 5; }));
        for (var i = 0; i < 5; i++)
        {
            primary.RecordLatency(TimeSpan.FromMilliseconds(100));
        }

        // 100 ms falls in the bucket whose upper bound is 2^(27/4) ms = 107.63 ms.
        var task = client.GetResponseAsync(Hello, null, FallbackFixture.Ct);
        await Poll.SettleAsync();
        f.AdvanceMs(100);
        await Poll.SettleAsync();
        Assert.Equal(0, hedgeClient.CallCount);
        f.AdvanceMs(10);
        var response = await Poll.CompletesAsync(task);

        Assert.Equal("hedge", response.Text);
        Assert.InRange((hedgeClient.Calls[0].ArrivedAt - f.Start).TotalMilliseconds, 101, 110);
        Assert.Equal(107.63, LatencyTracker.UpperBound(LatencyTracker.Bucket(100)), precision: 2);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_LoserReportedUsageBeforeItWasCancelled_UsageKeptApartFromTheAnswer()
    {
        var f = new FallbackFixture();
        var usage = new ChatResponseUpdate { Contents = [new UsageContent(new UsageDetails { InputTokenCount = 7, TotalTokenCount = 7 })] };
        var primary = f.Provider("primary", TestChatClient.Streaming([usage], TestChatClient.Hang));
        var hedge = f.Provider("hedge", f.Script(Script.Stream("hedge").WithFirstTokenDelay(TimeSpan.FromSeconds(1))));
        var client = f.Client([primary, hedge], Hedging());

        var result = await DriveAsync(f, new StreamResult().ReadAsync(client.GetStreamingResponseAsync(Hello, null, FallbackFixture.Ct)), TimeSpan.FromMilliseconds(500));

        Assert.Equal("hedge", result.Text);
        var info = result.Updates[^1].GetLlmCallInfo()!;
        Assert.Equal(7, info.HedgeUsage!.TotalTokenCount);
        Assert.DoesNotContain(result.Updates, u => u.Contents.OfType<UsageContent>().Any(c => c.Details.TotalTokenCount == 7));
    }

    [Fact]
    public async Task GetStreamingResponseAsync_LoserReadItsUsageInTheSameInstantTheWinnerReadItsFirstToken_UsageKept()
    {
        // A tie: when the race looks again, both reads have completed, the primary's with its first token and the
        // hedge's with usage its provider reported before any output. The primary's second read releases the
        // hedge's read, which completes inline, before the primary yields.
        var f = new FallbackFixture();
        var primaryGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var hedgeGate = new TaskCompletionSource();
        var primary = f.Provider("primary", new TestChatClient { OnGetStreamingResponse = (_, _, ct) => PrimaryStream(ct) });
        var hedge = f.Provider("hedge", new TestChatClient { OnGetStreamingResponse = (_, _, ct) => HedgeStream(ct) }, o => o.Limits.TokensPerMinute = 1000);
        var client = f.Client([primary, hedge], Hedging());

        var reading = new StreamResult().ReadAsync(client.GetStreamingResponseAsync(Hello, null, FallbackFixture.Ct));
        await Poll.SettleAsync();
        f.Advance(TimeSpan.FromSeconds(2));
        await Poll.SettleAsync();
        Assert.Equal(1, ((TestChatClient)hedge.Client).CallCount);
        primaryGate.SetResult();
        var result = await Poll.CompletesAsync(reading);

        Assert.Equal("primary", result.Text);
        var info = result.Updates[^1].GetLlmCallInfo()!;
        Assert.Equal([("hedge", LlmAttemptDecision.HedgeLost), ("primary", LlmAttemptDecision.Answered)], info.Attempts.Select(a => (a.Provider, a.Decision)));
        Assert.Equal(700, info.HedgeUsage?.InputTokenCount);
        Assert.InRange(hedge.Limiter!.Utilization(hedge.Clock.Now, 0), 0.7, 0.7001);

        async IAsyncEnumerable<ChatResponseUpdate> PrimaryStream([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
        {
            await primaryGate.Task.WaitAsync(ct).ConfigureAwait(false);
            yield return new ChatResponseUpdate { Role = ChatRole.Assistant, MessageId = "m1" };
            hedgeGate.SetResult();
            yield return TestChatClient.Text("primary");
            yield return TestChatClient.Finish();
        }

        async IAsyncEnumerable<ChatResponseUpdate> HedgeStream([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
        {
            await hedgeGate.Task.ConfigureAwait(false);
            yield return new ChatResponseUpdate { Contents = [new UsageContent(new UsageDetails { InputTokenCount = 700, TotalTokenCount = 700 })] };
            await TestChatClient.Hang(ct).ConfigureAwait(false);
        }
    }

    [Fact]
    public async Task GetStreamingResponseAsync_LoserReportedUsageBeforeItWasCancelled_CountedAgainstItsProvidersTokenLimit()
    {
        var f = new FallbackFixture();
        var usage = new ChatResponseUpdate { Contents = [new UsageContent(new UsageDetails { InputTokenCount = 700, TotalTokenCount = 700 })] };
        var primary = f.Provider("primary", TestChatClient.Streaming([usage], TestChatClient.Hang), o => o.Limits.TokensPerMinute = 1000);
        var hedge = f.Provider("hedge", f.Script(Script.Stream("hedge").WithFirstTokenDelay(TimeSpan.FromSeconds(1))));
        var client = f.Client([primary, hedge], Hedging());

        var result = await DriveAsync(f, new StreamResult().ReadAsync(client.GetStreamingResponseAsync(Hello, null, FallbackFixture.Ct)), TimeSpan.FromMilliseconds(500));

        Assert.Equal("hedge", result.Text);
        Assert.Equal(700, result.Updates[^1].GetLlmCallInfo()!.HedgeUsage!.TotalTokenCount);
        Assert.InRange(primary.Limiter!.Utilization(primary.Clock.Now, 0), 0.7, 0.7001);
    }

    [Fact]
    public async Task GetResponseAsync_BothCallsAnsweredInTheSameInstant_LosersUsageCountedAgainstItsProvidersTokenLimit()
    {
        // A tie: the primary's answer arrives while the hedge is being sent, and the hedge answers at once; the race
        // then finds both answered, the primary wins, and the hedge's provider served a whole answer.
        var f = new FallbackFixture();
        var primaryAnswer = new TaskCompletionSource<ChatResponse>();
        var primary = f.Provider("primary", new TestChatClient { OnGetResponse = (_, _, _) => primaryAnswer.Task });
        var hedge = f.Provider("hedge", new TestChatClient
        {
            OnGetResponse = (_, _, _) =>
            {
                primaryAnswer.SetResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "primary")) { Usage = new() { TotalTokenCount = 100 } });
                return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "hedge")) { Usage = new() { TotalTokenCount = 700 } });
            },
        }, o => o.Limits.TokensPerMinute = 1000);
        var client = f.Client([primary, hedge], Hedging());

        var response = await DriveAsync(f, client.GetResponseAsync(Hello, null, FallbackFixture.Ct), TimeSpan.FromMilliseconds(500));

        Assert.Equal("primary", response.Text);
        var info = response.GetLlmCallInfo()!;
        Assert.Equal([("hedge", LlmAttemptDecision.HedgeLost), ("primary", LlmAttemptDecision.Answered)], info.Attempts.Select(a => (a.Provider, a.Decision)));
        Assert.Equal(700, info.HedgeUsage?.TotalTokenCount);
        Assert.InRange(hedge.Limiter!.Utilization(hedge.Clock.Now, 0), 0.7, 0.7001);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_NoFirstTokenBeforeTheDelay_HedgeStreamWinsAndPrimaryIsDisposed()
    {
        var f = new FallbackFixture();
        var primaryClient = f.Script(Script.Stream("slow", " answer").WithFirstTokenDelay(TimeSpan.FromSeconds(10)));
        var hedgeClient = f.Script(Script.Stream("fast", " answer").WithFirstTokenDelay(TimeSpan.FromSeconds(1)));
        var primary = f.Provider("primary", primaryClient);
        var hedge = f.Provider("hedge", hedgeClient);
        var client = f.Client([primary, hedge], Hedging());

        var stream = new StreamResult().ReadAsync(client.GetStreamingResponseAsync(Hello, null, FallbackFixture.Ct));
        var result = await DriveAsync(f, stream, TimeSpan.FromMilliseconds(500));

        Assert.Null(result.Error);
        Assert.Equal("fast answer", result.Text);
        var info = result.Updates[^1].GetLlmCallInfo()!;
        Assert.True(info.Hedged);
        Assert.Equal([("primary", LlmAttemptDecision.HedgeLost), ("hedge", LlmAttemptDecision.Answered)], info.Attempts.Select(a => (a.Provider, a.Decision)));
        Assert.Equal(TimeSpan.FromSeconds(2), hedgeClient.Calls[0].ArrivedAt - f.Start);
        Assert.Equal((0, 0), (primary.InFlight, hedge.InFlight));
        Assert.Equal(0, primary.Breaker.ConsecutiveFailures);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_PrimaryFirstTokenAfterTheHedgeWasSent_PrimaryWinsAndHedgeIsLost()
    {
        var f = new FallbackFixture();
        var primary = f.Provider("primary", f.Script(Script.Stream("primary").WithFirstTokenDelay(TimeSpan.FromSeconds(3))));
        var hedge = f.Provider("hedge", f.Script(Script.Stream("hedge").WithFirstTokenDelay(TimeSpan.FromSeconds(5))));
        var client = f.Client([primary, hedge], Hedging());

        var result = await DriveAsync(f, new StreamResult().ReadAsync(client.GetStreamingResponseAsync(Hello, null, FallbackFixture.Ct)), TimeSpan.FromMilliseconds(500));

        Assert.Equal("primary", result.Text);
        Assert.Equal([("hedge", LlmAttemptDecision.HedgeLost), ("primary", LlmAttemptDecision.Answered)], result.Updates[^1].GetLlmCallInfo()!.Attempts.Select(a => (a.Provider, a.Decision)));
        Assert.Equal((0, 0), (primary.InFlight, hedge.InFlight));
    }

    [Fact]
    public async Task GetStreamingResponseAsync_PrimaryFailsWhileHedgeStreams_FailureSettledOnceAndHedgeAnswers()
    {
        var f = new FallbackFixture();
        var primary = f.Provider("primary", f.Script(Script.Status(500).Delayed(TimeSpan.FromSeconds(3))));
        var hedge = f.Provider("hedge", f.Script(Script.Stream("hedge").WithFirstTokenDelay(TimeSpan.FromSeconds(5))));
        var client = f.Client([primary, hedge], Hedging());

        var result = await DriveAsync(f, new StreamResult().ReadAsync(client.GetStreamingResponseAsync(Hello, null, FallbackFixture.Ct)), TimeSpan.FromMilliseconds(500));

        Assert.Equal("hedge", result.Text);
        Assert.Equal([("primary", LlmAttemptDecision.FailedOver), ("hedge", LlmAttemptDecision.Answered)], result.Updates[^1].GetLlmCallInfo()!.Attempts.Select(a => (a.Provider, a.Decision)));
        Assert.Equal(1, primary.Breaker.ConsecutiveFailures);
        Assert.Equal(1, f.Logged("AttemptFailed"));
    }
}
