using LlmFallback.Testing;

namespace LlmFallback.Tests.Fallback;

/// <summary>The per-request attempt cap across retries × fallbacks, and the process-wide retry budget.</summary>
public sealed class FallbackChatClientBudgetTests
{
    private static CancellationToken Ct => FallbackFixture.Ct;

    [Theory]
    [InlineData(1, 1, 0, 0)]
    [InlineData(2, 2, 0, 0)]
    [InlineData(4, 3, 1, 0)]
    [InlineData(6, 3, 3, 0)]
    [InlineData(8, 3, 3, 2)]
    [InlineData(20, 3, 3, 3)]
    public async Task GetResponseAsync_EveryProviderFails_CallsExactlyMaxAttemptsAcrossRetriesAndFallbacks(int maxAttempts, int a, int b, int c)
    {
        var f = new FallbackFixture();
        ScriptedChatClient[] clients = [f.Always(Script.Status(503)), f.Always(Script.Status(503)), f.Always(Script.Status(503))];
        using var client = f.Client(
            clients.Select((s, i) => f.Provider(((char)('a' + i)).ToString(), s, o => o.Resilience.MaxRetries = 2)),
            FallbackFixture.Options(o => o.MaxAttemptsPerRequest = maxAttempts),
            jitter: 0);

        var error = await Assert.ThrowsAsync<LlmFallbackExhaustedException>(() => client.GetResponseAsync("hi", cancellationToken: Ct));

        Assert.Equal((a, b, c), (clients[0].CallCount, clients[1].CallCount, clients[2].CallCount));
        Assert.Equal(a + b + c, error.Attempts.Count);
    }

    [Fact]
    public async Task GetResponseAsync_LastAllowedAttemptFails_ThrowsAtOnceWithoutWaitingForABackoff()
    {
        var f = new FallbackFixture();
        var primary = f.Always(Script.Status(503));
        using var client = f.Client([f.Provider("a", primary, o => o.Resilience.MaxRetries = 5)], FallbackFixture.Options(o => o.MaxAttemptsPerRequest = 2), jitter: 0.5);

        var task = client.GetResponseAsync("hi", cancellationToken: Ct);
        await f.ExpectCallAfterAsync(primary, TimeSpan.FromMilliseconds(500));
        var error = await Assert.ThrowsAsync<LlmFallbackExhaustedException>(() => Poll.CompletesAsync(task));

        Assert.Equal(TimeSpan.FromMilliseconds(500), f.Elapsed);
        Assert.Equal([LlmAttemptDecision.Retried, LlmAttemptDecision.Surfaced], error.Attempts.Select(a => a.Decision));
    }

    [Theory]
    [InlineData(1, 1, 0)]
    [InlineData(3, 3, 0)]
    [InlineData(5, 3, 2)]
    public async Task GetStreamingResponseAsync_EveryProviderFails_CallsExactlyMaxAttempts(int maxAttempts, int a, int b)
    {
        var f = new FallbackFixture();
        var first = f.Always(Script.Status(500));
        var second = f.Always(Script.Status(500));
        using var client = f.Client(
            [f.Provider("a", first, o => o.Resilience.MaxRetries = 2), f.Provider("b", second, o => o.Resilience.MaxRetries = 2)],
            FallbackFixture.Options(o => o.MaxAttemptsPerRequest = maxAttempts),
            jitter: 0);

        var result = await StreamResult.DrainAsync(client.GetStreamingResponseAsync("hi", cancellationToken: Ct));

        Assert.IsType<LlmFallbackExhaustedException>(result.Error);
        Assert.Equal((a, b), (first.CallCount, second.CallCount));
    }

    /// <summary>
    /// "b" was isolated (401) and is now due for its half-open probe; "capped" may make one call, which its first
    /// provider "a" spends on a 500. The capped request must not take b's probe without calling it.
    /// </summary>
    private static async Task<(FallbackFixture F, LlmProvider B, FallbackChatClient OnlyB, FallbackChatClient Capped)> HalfOpenBehindCappedRequestAsync(bool streaming)
    {
        var f = new FallbackFixture();
        var a = f.Provider("a", f.Always(Script.Status(500)), o => o.Resilience.MaxRetries = 0);
        var b = f.Provider("b", f.Script(Script.Status(401), Script.Answer("backup healthy").Forever()), o => o.Resilience.CircuitBreaker.BreakDuration = TimeSpan.FromSeconds(15));
        var onlyB = f.Client([b]);
        var capped = f.Client([a, b], FallbackFixture.Options(o => o.MaxAttemptsPerRequest = 1));
        Exception? isolating = streaming
            ? (await StreamResult.DrainAsync(onlyB.GetStreamingResponseAsync("isolates b", cancellationToken: Ct))).Error
            : await Record.ExceptionAsync(() => onlyB.GetResponseAsync("isolates b", cancellationToken: Ct));
        Assert.IsType<LlmFallbackExhaustedException>(isolating);
        f.Advance(TimeSpan.FromSeconds(15));
        return (f, b, onlyB, capped);
    }

    [Fact]
    public async Task GetResponseAsync_AttemptBudgetSpentBeforeHalfOpenProvider_LeavesItsProbeToTheNextRequest()
    {
        var (_, b, onlyB, capped) = await HalfOpenBehindCappedRequestAsync(streaming: false);
        using (onlyB)
        using (capped)
        {
            await Assert.ThrowsAsync<LlmFallbackExhaustedException>(() => capped.GetResponseAsync("capped", cancellationToken: Ct));
            var probe = await onlyB.GetResponseAsync("probe", cancellationToken: Ct);

            Assert.Equal("backup healthy", probe.Text);
            Assert.Equal(LlmCircuitState.Closed, b.GetHealth().State);
        }
    }

    [Fact]
    public async Task GetStreamingResponseAsync_AttemptBudgetSpentBeforeHalfOpenProvider_LeavesItsProbeToTheNextRequest()
    {
        var (_, b, onlyB, capped) = await HalfOpenBehindCappedRequestAsync(streaming: true);
        using (onlyB)
        using (capped)
        {
            Assert.IsType<LlmFallbackExhaustedException>((await StreamResult.DrainAsync(capped.GetStreamingResponseAsync("capped", cancellationToken: Ct))).Error);
            var probe = await StreamResult.DrainAsync(onlyB.GetStreamingResponseAsync("probe", cancellationToken: Ct));

            Assert.Null(probe.Error);
            Assert.Equal("backup healthy", probe.Text);
            Assert.Equal(LlmCircuitState.Closed, b.GetHealth().State);
        }
    }

    [Fact]
    public async Task GetResponseAsync_RetryBudgetExhausted_FailsOverInsteadOfRetrying()
    {
        var f = new FallbackFixture();
        var budget = new LlmRetryBudget(new() { RetryRatio = 0, MinRetriesPerSecond = 0 }, f.Time);
        var primary = f.Always(Script.Status(503));
        var secondary = f.Always(Script.Answer("from b"));
        using var client = f.Client([f.Provider("a", primary, o => o.Resilience.MaxRetries = 2), f.Provider("b", secondary)], budget: budget, jitter: 0);

        var response = await client.GetResponseAsync("hi", cancellationToken: Ct);

        Assert.Equal("from b", response.Text);
        Assert.Equal(1, primary.CallCount);
        Assert.Equal(LlmAttemptDecision.FailedOver, response.GetLlmCallInfo()!.Attempts[0].Decision);
        Assert.Equal(1, f.Logged("RetryBudgetExhausted"));
        Assert.Equal((1, 0), budget.GetCounts());
    }

    [Fact]
    public async Task GetResponseAsync_RetryBudgetSharedByStages_RefusesRetriesOnceSpentUntilWindowSlides()
    {
        var f = new FallbackFixture();
        var budget = new LlmRetryBudget(new() { RetryRatio = 0, MinRetriesPerSecond = 1, Window = TimeSpan.FromSeconds(1) }, f.Time);
        var primary = f.Always(Script.Status(503));
        var secondary = f.Always(Script.Answer("from b"));
        var a = f.Provider("a", primary, o => o.Resilience.MaxRetries = 2);
        var b = f.Provider("b", secondary);
        using var one = f.Client([a, b], budget: budget, jitter: 0);
        using var two = f.Client([a, b], budget: budget, jitter: 0);

        await one.GetResponseAsync("first", cancellationToken: Ct);   // one retry allowed, the second refused
        Assert.Equal(2, primary.CallCount);
        await two.GetResponseAsync("second", cancellationToken: Ct);  // the shared budget is spent: no retry
        Assert.Equal(3, primary.CallCount);

        f.Advance(TimeSpan.FromSeconds(1));
        await two.GetResponseAsync("third", cancellationToken: Ct);
        Assert.Equal(5, primary.CallCount);
        Assert.Equal(3, secondary.CallCount);
    }
}
