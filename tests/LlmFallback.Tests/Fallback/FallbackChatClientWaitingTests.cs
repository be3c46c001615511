using LlmFallback.Testing;

namespace LlmFallback.Tests.Fallback;

/// <summary>No provider available: the request waits (within its budget) instead of failing, and waiters come back gradually.</summary>
public sealed class FallbackChatClientWaitingTests
{
    private static CancellationToken Ct => FallbackFixture.Ct;

    /// <summary>Cools both providers down: one request that each answers 429 with a Retry-After longer than their policy allows.</summary>
    private static async Task CoolDownAsync(FallbackChatClient client)
    {
        var error = await Assert.ThrowsAsync<LlmFallbackExhaustedException>(() => client.GetResponseAsync("cool them down", cancellationToken: Ct));
        Assert.All(error.Attempts, a => Assert.Equal(LlmFailureKind.RateLimited, a.Kind));
    }

    private static (FallbackFixture F, ScriptedChatClient A, ScriptedChatClient B, FallbackChatClient Client) TwoCoolingProviders(FallbackOptions? options = null)
    {
        var f = new FallbackFixture();
        var a = f.Script(Script.Status(429, retryAfter: TimeSpan.FromSeconds(5)), Script.Answer("from a").Forever());
        var b = f.Script(Script.Status(429, retryAfter: TimeSpan.FromSeconds(3)), Script.Answer("from b").Forever());
        static void Policy(LlmProviderOptions o) => o.Resilience.MaxRetryAfter = TimeSpan.FromSeconds(1);
        var client = f.Client([f.Provider("a", a, Policy), f.Provider("b", b, Policy)], options);
        return (f, a, b, client);
    }

    [Fact]
    public async Task GetResponseAsync_EveryProviderCoolingDown_WaitsForTheEarliestThenAnswers()
    {
        var (f, a, b, client) = TwoCoolingProviders();
        using var _ = client;
        await CoolDownAsync(client);

        var request = client.GetResponseAsync("hi", cancellationToken: Ct);
        await Poll.UntilAsync(() => f.Time.TryTakeArmed(TimeSpan.FromSeconds(3)), "the request waits for b's cool-down");
        f.Advance(TimeSpan.FromSeconds(3) - TimeSpan.FromMilliseconds(1));
        await Poll.SettleAsync();
        Assert.False(request.IsCompleted);
        Assert.Equal((1, 1), (a.CallCount, b.CallCount));

        f.Advance(TimeSpan.FromMilliseconds(1));
        var response = await Poll.CompletesAsync(request);

        Assert.Equal("from b", response.Text);
        Assert.Equal(f.Start + TimeSpan.FromSeconds(3), b.Calls[1].ArrivedAt);
        var info = response.GetLlmCallInfo()!;
        Assert.Equal(1, info.AttemptCount);
        Assert.Equal(
            [("a", LlmAttemptDecision.Skipped, "cooling_down"), ("b", LlmAttemptDecision.Skipped, "cooling_down"), ("b", LlmAttemptDecision.Answered, null)],
            info.Attempts.Select(x => (x.Provider, x.Decision, x.Failure?.ErrorCode)));
    }

    [Fact]
    public async Task GetStreamingResponseAsync_EveryProviderCoolingDown_WaitsThenStreams()
    {
        var (f, _, b, client) = TwoCoolingProviders();
        using var _ = client;
        await CoolDownAsync(client);

        var stream = StreamResult.DrainAsync(client.GetStreamingResponseAsync("hi", cancellationToken: Ct));
        await Poll.UntilAsync(() => f.Time.TryTakeArmed(TimeSpan.FromSeconds(3)), "the stream waits for b's cool-down");
        f.Advance(TimeSpan.FromSeconds(3));
        var result = await Poll.CompletesAsync(stream);

        Assert.Null(result.Error);
        Assert.Equal("from b", result.Text);
        Assert.Equal(2, b.CallCount);
    }

    [Fact]
    public async Task GetResponseAsync_CallerCancelsWhileWaiting_EndsAtOnceWithoutACall()
    {
        var (f, a, b, client) = TwoCoolingProviders();
        using var _ = client;
        await CoolDownAsync(client);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);

        var request = client.GetResponseAsync("hi", cancellationToken: cts.Token);
        await Poll.UntilAsync(() => f.Time.TryTakeArmed(TimeSpan.FromSeconds(3)), "the request waits");
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Poll.CompletesAsync(request));
        Assert.Equal(f.Start, f.Time.GetUtcNow());
        Assert.Equal((1, 1), (a.CallCount, b.CallCount));
        Assert.Equal(LlmCircuitState.Closed, client.Providers[1].GetHealth().State);
    }

    [Fact]
    public async Task GetResponseAsync_EarliestReturnBeyondTheBudget_FailsAtOnceWithRetryAt()
    {
        var (f, a, b, client) = TwoCoolingProviders(FallbackFixture.Options(o => o.MaxWaitForAvailability = TimeSpan.FromSeconds(2)));
        using var _ = client;
        await CoolDownAsync(client);

        var error = await Assert.ThrowsAsync<LlmFallbackExhaustedException>(() => client.GetResponseAsync("hi", cancellationToken: Ct));

        Assert.Equal(f.Start, f.Time.GetUtcNow());
        Assert.Equal(f.Start + TimeSpan.FromSeconds(3), error.RetryAt);
        Assert.Equal((1, 1), (a.CallCount, b.CallCount));
        Assert.All(error.Attempts, x => Assert.Equal(LlmAttemptDecision.Skipped, x.Decision));
    }

    [Fact]
    public async Task GetResponseAsync_WaitingTurnedOff_FailsAtOnce()
    {
        var (f, _, _, client) = TwoCoolingProviders(FallbackFixture.Options(o => o.MaxWaitForAvailability = TimeSpan.Zero));
        using var _ = client;
        await CoolDownAsync(client);

        var error = await Assert.ThrowsAsync<LlmFallbackExhaustedException>(() => client.GetResponseAsync("hi", cancellationToken: Ct));

        Assert.Equal(TimeSpan.FromSeconds(3), error.RetryAfter);
        Assert.Equal(f.Start, f.Time.GetUtcNow());
    }

    [Fact]
    public async Task GetResponseAsync_ProviderThatAskedForTooLong_IsNotWaitedFor()
    {
        // The request's own call asked for 5 s, more than the 1 s its policy allows: it fails over and does not wait.
        var (f, a, b, client) = TwoCoolingProviders();
        using var _ = client;

        var error = await Assert.ThrowsAsync<LlmFallbackExhaustedException>(() => client.GetResponseAsync("hi", cancellationToken: Ct));

        Assert.Equal(f.Start, f.Time.GetUtcNow());
        Assert.Equal((1, 1), (a.CallCount, b.CallCount));
        Assert.Equal(f.Start + TimeSpan.FromSeconds(3), error.RetryAt);
    }

    [Fact]
    public async Task GetResponseAsync_OpenBreakerWithinTheBudget_WaitsForItsProbe()
    {
        var f = new FallbackFixture();
        var a = f.Script(Script.Status(503), Script.Answer("from a").Forever());
        static void Fragile(LlmProviderOptions o) =>
            (o.Resilience.MaxRetries, o.Resilience.CircuitBreaker.ConsecutiveFailures, o.Resilience.CircuitBreaker.BreakDuration) = (0, 1, TimeSpan.FromSeconds(4));
        var provider = f.Provider("a", a, Fragile);
        using var client = f.Client([provider]);
        await Assert.ThrowsAsync<LlmFallbackExhaustedException>(() => client.GetResponseAsync("opens the breaker", cancellationToken: Ct));
        Assert.Equal(LlmCircuitState.Open, provider.GetHealth().State);

        var request = client.GetResponseAsync("hi", cancellationToken: Ct);
        await Poll.UntilAsync(() => f.Time.TryTakeArmed(TimeSpan.FromSeconds(4)), "the request waits for the break to end");
        f.Advance(TimeSpan.FromSeconds(4));
        var response = await Poll.CompletesAsync(request);

        Assert.Equal("from a", response.Text);
        Assert.Equal(LlmCircuitState.Closed, provider.GetHealth().State);
    }

    [Fact]
    public async Task GetResponseAsync_WaitersWhenACoolDownEnds_AreReleasedOneThenMoreAsCallsSucceed()
    {
        var f = new FallbackFixture();
        var a = f.Script(
            Script.Status(429, retryAfter: TimeSpan.FromSeconds(2)),
            Script.Answer("from a").WithFirstTokenDelay(TimeSpan.FromSeconds(1)).Forever());
        using var client = f.Client([f.Provider("a", a, o => o.Resilience.MaxRetryAfter = TimeSpan.FromSeconds(1))]);
        await Assert.ThrowsAsync<LlmFallbackExhaustedException>(() => client.GetResponseAsync("cool a down", cancellationToken: Ct));

        Task<ChatResponse>[] waiting = [.. Enumerable.Range(0, 5).Select(i => client.GetResponseAsync($"waiter {i}", cancellationToken: Ct))];
        await Poll.UntilAsync(() => f.Logged("ProviderSkipped") >= 5, "every waiter found a cooling down");
        await Poll.SettleAsync();

        // The cool-down ends: one call, not five.
        f.Advance(TimeSpan.FromSeconds(2));
        await Poll.UntilAsync(() => a.CallCount == 2, "the first waiter calls");
        await Poll.SettleAsync();
        Assert.Equal(2, a.CallCount);

        // It answers: its slot and one more open, so two calls; when they answer, the last two.
        f.Advance(TimeSpan.FromSeconds(1));
        await Poll.UntilAsync(() => a.CallCount == 4, "two more waiters call");
        await Poll.SettleAsync();
        Assert.Equal(4, a.CallCount);
        f.Advance(TimeSpan.FromSeconds(1));
        await Poll.UntilAsync(() => a.CallCount == 6, "the last waiters call");
        f.Advance(TimeSpan.FromSeconds(1));

        var answers = await Task.WhenAll(waiting.Select(Poll.CompletesAsync));
        Assert.All(answers, r => Assert.Equal("from a", r.Text));
        Assert.Equal(
            [TimeSpan.Zero, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(4)],
            f.CallTimes(a));
    }

    [Fact]
    public async Task GetResponseAsync_Waiting_DoesNotCountTowardTheAttemptCap()
    {
        var f = new FallbackFixture();
        var a = f.Script(Script.Status(429, retryAfter: TimeSpan.FromSeconds(2)), Script.Status(500), Script.Answer("from a").Forever());
        using var client = f.Client(
            [f.Provider("a", a, o => (o.Resilience.MaxRetryAfter, o.Resilience.MaxRetries, o.Resilience.BaseDelay) = (TimeSpan.FromSeconds(1), 1, TimeSpan.Zero))],
            FallbackFixture.Options(o => o.MaxAttemptsPerRequest = 2));
        await Assert.ThrowsAsync<LlmFallbackExhaustedException>(() => client.GetResponseAsync("cool a down", cancellationToken: Ct));

        var request = client.GetResponseAsync("hi", cancellationToken: Ct);
        await Poll.UntilAsync(() => f.Time.TryTakeArmed(TimeSpan.FromSeconds(2)), "the request waits");
        f.Advance(TimeSpan.FromSeconds(2));
        var response = await Poll.CompletesAsync(request);

        // Two calls (a 500, then the retry that answers): the wait before them cost none of the two.
        Assert.Equal("from a", response.Text);
        Assert.Equal(2, response.GetLlmCallInfo()!.AttemptCount);
    }
    [Fact]
    public async Task GetResponseAsync_BreakerReopenedDuringASlowStart_WaitsForTheBreakWithoutSpinning()
    {
        // The breaker closes after a probe (a slow start begins), then reopens at the next call: the slow start is still
        // on when a request waits for the break to end. Each look it takes at the provider takes a ramp slot that the
        // breaker then refuses; giving that slot back must not wake the request itself, or it loops without a pause.
        var f = new FallbackFixture();
        var a = f.Script(Script.Status(503), Script.Answer("probe"), Script.Status(503), Script.Answer("from a").Forever());
        var (provider, client) = await OpenedAsync(f, a);
        using var _ = client;
        f.Advance(TimeSpan.FromSeconds(4));
        Assert.Equal("probe", (await client.GetResponseAsync("closes it", cancellationToken: Ct)).Text);
        await Assert.ThrowsAsync<LlmFallbackExhaustedException>(() => client.GetResponseAsync("reopens it", cancellationToken: Ct));
        Assert.Equal(LlmCircuitState.Open, provider.GetHealth().State);
        Assert.True(provider.Upstream.IsRamping);

        var request = client.GetResponseAsync("hi", cancellationToken: Ct);
        await Poll.UntilAsync(() => f.Time.TryTakeArmed(TimeSpan.FromSeconds(4)), "the request waits for the break to end");
        var timers = f.Time.TimersCreated;
        await Poll.SettleAsync();

        Assert.False(request.IsCompleted);
        Assert.Equal(timers, f.Time.TimersCreated);
        f.Advance(TimeSpan.FromSeconds(4));
        Assert.Equal("from a", (await Poll.CompletesAsync(request)).Text);
        Assert.Equal(4, a.CallCount);
    }
    [Fact]
    public async Task GetResponseAsync_ProbeThatDoesNotReportWithinABreak_IsReplacedByTheWaitingRequest()
    {
        // The probe hangs; a probe silent for longer than a break is replaced, and a request waiting for the provider
        // wakes then to be the replacement, not only when its whole wait budget (10 s) has run out.
        var f = new FallbackFixture();
        var a = f.Script(Script.Status(503), Script.Hang(), Script.Answer("from a").Forever());
        var (provider, client) = await OpenedAsync(f, a);
        using var _ = client;
        f.Advance(TimeSpan.FromSeconds(4));
        using var probeCaller = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var probe = client.GetResponseAsync("the probe hangs", cancellationToken: probeCaller.Token);
        await Poll.UntilAsync(() => a.CallCount == 2, "the probe is sent");
        Assert.Equal(LlmCircuitState.HalfOpen, provider.GetHealth().State);

        var request = client.GetResponseAsync("hi", cancellationToken: Ct);
        await Poll.UntilAsync(() => f.Logged("ProviderSkipped") >= 1, "the request found the probe out");
        await Poll.SettleAsync();
        f.Advance(TimeSpan.FromSeconds(4));
        await Poll.SettleAsync();
        Assert.False(request.IsCompleted);
        f.Advance(TimeSpan.FromMilliseconds(1));

        Assert.Equal("from a", (await Poll.CompletesAsync(request)).Text);
        Assert.Equal(f.Start + TimeSpan.FromSeconds(8) + TimeSpan.FromMilliseconds(1), a.Calls[2].ArrivedAt);
        Assert.Equal(LlmCircuitState.Closed, provider.GetHealth().State);
        await probeCaller.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Poll.CompletesAsync(probe));
    }

    /// <summary>One provider whose breaker opens at its first failure, for a 4 s break; the first request opens it.</summary>
    private static async Task<(LlmProvider Provider, FallbackChatClient Client)> OpenedAsync(FallbackFixture f, ScriptedChatClient a)
    {
        static void Fragile(LlmProviderOptions o) =>
            (o.Resilience.MaxRetries, o.Resilience.CircuitBreaker.ConsecutiveFailures, o.Resilience.CircuitBreaker.BreakDuration) = (0, 1, TimeSpan.FromSeconds(4));
        var provider = f.Provider("a", a, Fragile);
        var client = f.Client([provider]);
        await Assert.ThrowsAsync<LlmFallbackExhaustedException>(() => client.GetResponseAsync("opens the breaker", cancellationToken: Ct));
        Assert.Equal(LlmCircuitState.Open, provider.GetHealth().State);
        return (provider, client);
    }
}
