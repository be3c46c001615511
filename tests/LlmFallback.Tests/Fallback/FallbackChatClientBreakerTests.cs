using LlmFallback.Testing;

namespace LlmFallback.Tests.Fallback;

/// <summary>Circuit breakers seen through the fallback stage: skipped without a call, one half-open probe, isolation of dead credentials.</summary>
public sealed class FallbackChatClientBreakerTests
{
    private static CancellationToken Ct => FallbackFixture.Ct;

    private static void Breaker(LlmProviderOptions o, int consecutiveFailures = 3, int breakSeconds = 15)
    {
        o.Resilience.MaxRetries = 0;
        o.Resilience.CircuitBreaker.ConsecutiveFailures = consecutiveFailures;
        o.Resilience.CircuitBreaker.MinimumThroughput = 1000;
        o.Resilience.CircuitBreaker.BreakDuration = TimeSpan.FromSeconds(breakSeconds);
    }

    [Fact]
    public async Task GetResponseAsync_BreakerOpen_SkipsProviderWithoutCallAndWithoutWaiting()
    {
        var f = new FallbackFixture();
        var primary = f.Always(Script.Status(500));
        var secondary = f.Always(Script.Answer("from b"));
        var a = f.Provider("a", primary, o => Breaker(o, consecutiveFailures: 2));
        using var client = f.Client([a, f.Provider("b", secondary)]);
        using var other = f.Client([a, f.Provider("c", secondary)]);
        await client.GetResponseAsync("1", cancellationToken: Ct);
        await client.GetResponseAsync("2", cancellationToken: Ct);
        Assert.Equal(LlmCircuitState.Open, a.GetHealth().State);

        // Another pipeline over the same provider sees the same breaker; no fake time passes.
        var response = await other.GetResponseAsync("3", cancellationToken: Ct);

        Assert.Equal("from b", response.Text);
        Assert.Equal(2, primary.CallCount);
        Assert.Equal(TimeSpan.Zero, f.Elapsed);
        var skipped = response.GetLlmCallInfo()!.Attempts[0];
        Assert.Equal(("a", LlmAttemptDecision.Skipped, LlmFailureKind.Unavailable, "circuit_open"), (skipped.Provider, skipped.Decision, skipped.Kind!.Value, skipped.Failure!.ErrorCode));
        Assert.Equal(TimeSpan.Zero, skipped.Duration);
        Assert.Equal(1, response.GetLlmCallInfo()!.AttemptCount);
    }

    [Fact]
    public async Task GetResponseAsync_FlappingPrimary_BreakerOpensFallbackServesOneProbeThenBackOnPrimary()
    {
        var f = new FallbackFixture();
        var primary = f.Always(Script.Flap(
            Script.Status(503), TimeSpan.FromSeconds(40),
            Script.Answer("from primary").WithFirstTokenDelay(TimeSpan.FromSeconds(1)), TimeSpan.FromHours(1)));
        var secondary = f.Always(Script.Answer("from fallback"));
        var a = f.Provider("primary", primary, o => Breaker(o, consecutiveFailures: 3, breakSeconds: 15));
        using var client = f.Client([a, f.Provider("fallback", secondary)]);

        async Task<string> Ask() => (await client.GetResponseAsync("q", cancellationToken: Ct)).Text;

        // Down: three failures in a row open the breaker; every request is still answered by the fallback.
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal("from fallback", await Ask());
        }

        Assert.Equal((3, 3), (primary.CallCount, secondary.CallCount));
        var open = a.GetHealth();
        Assert.Equal((LlmCircuitState.Open, false, 3, LlmFailureKind.ServerError), (open.State, open.IsAvailable, open.ConsecutiveFailures, open.LastFailureKind));
        Assert.Equal(f.Start + TimeSpan.FromSeconds(15), open.AvailableAt);

        // Open: the primary is not called at all.
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal("from fallback", await Ask());
        }

        Assert.Equal((3, 6), (primary.CallCount, secondary.CallCount));

        // Each break ends with exactly one probe; the primary is still down, so the breaker opens again.
        foreach (var probeAt in new[] { 15, 30 })
        {
            f.Advance(TimeSpan.FromSeconds(15));
            Assert.Equal("from fallback", await Ask());
            Assert.Equal("from fallback", await Ask());
            var reopened = a.GetHealth();
            Assert.Equal(LlmCircuitState.Open, reopened.State);
            Assert.Equal(f.Start + TimeSpan.FromSeconds(probeAt + 15), reopened.AvailableAt);
        }

        Assert.Equal((5, 10), (primary.CallCount, secondary.CallCount));

        // Recovered (t = 45 s): the probe is in flight; a concurrent request does not get a second probe.
        f.Advance(TimeSpan.FromSeconds(15));
        var probe = client.GetResponseAsync("probe", cancellationToken: Ct);
        Assert.Equal(LlmCircuitState.HalfOpen, a.GetHealth().State);
        var concurrent = await client.GetResponseAsync("concurrent", cancellationToken: Ct);
        Assert.Equal("from fallback", concurrent.Text);
        Assert.Equal(LlmAttemptDecision.Skipped, concurrent.GetLlmCallInfo()!.Attempts[0].Decision);
        Assert.Equal((6, 11), (primary.CallCount, secondary.CallCount));

        f.Advance(TimeSpan.FromSeconds(1));
        var probed = await Poll.CompletesAsync(probe);
        Assert.Equal("from primary", probed.Text);
        Assert.Null(probed.GetLlmCallInfo()!.FallbackReason);
        var closed = a.GetHealth();
        Assert.Equal((LlmCircuitState.Closed, true, 0), (closed.State, closed.IsAvailable, closed.ConsecutiveFailures));

        // Back on the primary, gradually: the first request after the recovery goes there and, while it is
        // unanswered, the others are served by the fallback; each answer lets one more in beside it.
        Task<ChatResponse>[] after = [.. Enumerable.Range(0, 3).Select(i => client.GetResponseAsync($"after {i}", cancellationToken: Ct))];
        f.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(["from primary", "from fallback", "from fallback"], (await Task.WhenAll(after.Select(Poll.CompletesAsync))).Select(r => r.Text));
        Assert.Equal((7, 13), (primary.CallCount, secondary.CallCount));

        Task<ChatResponse>[] next = [.. Enumerable.Range(0, 2).Select(i => client.GetResponseAsync($"next {i}", cancellationToken: Ct))];
        f.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(["from primary", "from primary"], (await Task.WhenAll(next.Select(Poll.CompletesAsync))).Select(r => r.Text));
        Assert.Equal((9, 13), (primary.CallCount, secondary.CallCount));
    }

    [Theory]
    [InlineData(401, null, LlmFailureKind.Authentication)]
    [InlineData(403, null, LlmFailureKind.Authentication)]
    [InlineData(404, null, LlmFailureKind.ModelNotFound)]
    [InlineData(429, "insufficient_quota", LlmFailureKind.Authentication)]
    public async Task GetResponseAsync_AuthenticationOrModelNotFound_NoRetryIsolatesProviderAndFailsOver(int status, string? errorCode, LlmFailureKind kind)
    {
        var f = new FallbackFixture();
        var primary = f.Script(Script.Status(status, errorCode: errorCode), Script.Answer("from a").Forever());
        var secondary = f.Always(Script.Answer("from b"));
        var a = f.Provider("a", primary, o => (o.Resilience.MaxRetries, o.Resilience.CircuitBreaker.BreakDuration) = (2, TimeSpan.FromSeconds(15)));
        using var client = f.Client([a, f.Provider("b", secondary)]);

        var first = await client.GetResponseAsync("1", cancellationToken: Ct);

        Assert.Equal("from b", first.Text);
        Assert.Equal(1, primary.CallCount);
        var failed = first.GetLlmCallInfo()!.Attempts[0];
        Assert.Equal((kind, status, LlmAttemptDecision.FailedOver), (failed.Kind!.Value, failed.StatusCode!.Value, failed.Decision));
        var health = a.GetHealth();
        Assert.Equal((LlmCircuitState.Open, kind), (health.State, health.LastFailureKind));
        Assert.Equal(f.Start + TimeSpan.FromSeconds(15), health.AvailableAt);

        // Isolated: the next request does not call it.
        Assert.Equal("from b", (await client.GetResponseAsync("2", cancellationToken: Ct)).Text);
        Assert.Equal(1, primary.CallCount);

        // After the break a probe finds the credentials fixed.
        f.Advance(TimeSpan.FromSeconds(15));
        Assert.Equal("from a", (await client.GetResponseAsync("3", cancellationToken: Ct)).Text);
        Assert.Equal(LlmCircuitState.Closed, a.GetHealth().State);
    }

    [Fact]
    public async Task GetResponseAsync_RateLimitedWithRetryAfter_CoolsDownButDoesNotCountAsBreakerFailure()
    {
        var f = new FallbackFixture();
        var primary = f.Always(Script.Status(429, retryAfter: TimeSpan.FromSeconds(1)));
        var secondary = f.Always(Script.Answer("from b"));
        var a = f.Provider("a", primary, o => Breaker(o, consecutiveFailures: 2));
        using var client = f.Client([a, f.Provider("b", secondary)]);

        for (var i = 0; i < 3; i++)
        {
            await client.GetResponseAsync("q", cancellationToken: Ct);
            f.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.Equal(3, primary.CallCount);
        Assert.Equal((LlmCircuitState.Closed, 0), (a.GetHealth().State, a.GetHealth().ConsecutiveFailures));
    }

    [Fact]
    public async Task GetResponseAsync_UnavailableWithRetryAfter_CoolsDownForThatLongAndCountsAsBreakerFailure()
    {
        var f = new FallbackFixture();
        var primary = f.Always(Script.Status(503, retryAfter: TimeSpan.FromSeconds(120)));
        var secondary = f.Always(Script.Answer("from b"));
        var a = f.Provider("a", primary, o => Breaker(o, consecutiveFailures: 5));
        using var client = f.Client([a, f.Provider("b", secondary)]);

        var first = await client.GetResponseAsync("1", cancellationToken: Ct);
        f.Advance(TimeSpan.FromSeconds(119));
        var second = await client.GetResponseAsync("2", cancellationToken: Ct);

        // The server asked for two minutes: no call until then (past MaxRetryAfter, so no retry either).
        Assert.Equal(("from b", "from b", 1), (first.Text, second.Text, primary.CallCount));
        Assert.Equal((LlmCircuitState.Closed, 1), (a.GetHealth().State, a.GetHealth().ConsecutiveFailures));
        f.Advance(TimeSpan.FromSeconds(1));
        await client.GetResponseAsync("3", cancellationToken: Ct);
        Assert.Equal(2, primary.CallCount);
    }

    [Fact]
    public async Task GetResponseAsync_RateLimitedWithoutRetryAfter_CountsAsBreakerFailure()
    {
        var f = new FallbackFixture();
        var primary = f.Always(Script.Status(429));
        var secondary = f.Always(Script.Answer("from b"));
        var a = f.Provider("a", primary, o => Breaker(o, consecutiveFailures: 2));
        using var client = f.Client([a, f.Provider("b", secondary)]);

        await client.GetResponseAsync("1", cancellationToken: Ct);
        await client.GetResponseAsync("2", cancellationToken: Ct);

        Assert.Equal((LlmCircuitState.Open, LlmFailureKind.RateLimited), (a.GetHealth().State, a.GetHealth().LastFailureKind));
    }

    [Fact]
    public async Task GetResponseAsync_ProbeFailsWithCallerIndependentRefusal_ReleasesProbeForNextRequest()
    {
        // A bad request says nothing about health: the half-open probe's permit goes back and the next request probes.
        var f = new FallbackFixture();
        var primary = f.Script(Script.Status(500), Script.Status(400), Script.Answer("healthy").Forever());
        var secondary = f.Always(Script.Answer("from b"));
        var a = f.Provider("a", primary, o => Breaker(o, consecutiveFailures: 1));
        using var client = f.Client([a, f.Provider("b", secondary)], FallbackFixture.Options(o => o.OnBadRequest = LlmFailureAction.FailOver));
        await client.GetResponseAsync("open it", cancellationToken: Ct);
        f.Advance(TimeSpan.FromSeconds(15));

        var badRequest = await client.GetResponseAsync("probe refused", cancellationToken: Ct);
        var next = await client.GetResponseAsync("next", cancellationToken: Ct);

        Assert.Equal("from b", badRequest.Text);
        Assert.Equal("healthy", next.Text);
        Assert.Equal(LlmCircuitState.Closed, a.GetHealth().State);
    }
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task GetStreamingResponseAsync_CallerStopsAtTheFinishUpdateOfAProbe_BreakerClosesAndTheAttemptEnds(bool holdback)
    {
        var f = new FallbackFixture();
        var a = f.Script(Script.Status(503), Script.Answer("probe answer").Forever());
        var provider = f.Provider("a", a, o => Breaker(o, consecutiveFailures: 1));
        using var client = f.Client([provider], FallbackFixture.Options(o => o.Streaming.HoldbackUntilComplete = holdback));
        await Assert.ThrowsAsync<LlmFallbackExhaustedException>(() => client.GetResponseAsync("opens the breaker", cancellationToken: Ct));
        f.Advance(TimeSpan.FromSeconds(15));
        using var attempts = new Microsoft.Extensions.Diagnostics.Metrics.Testing.MetricCollector<long>(null, LlmFallbackDiagnostics.Name, LlmFallbackDiagnostics.AttemptsInstrument);

        // The half-open breaker's probe streams; the caller stops reading as soon as it sees the finish reason.
        await foreach (var update in client.GetStreamingResponseAsync("probe", cancellationToken: Ct))
        {
            if (update.FinishReason is not null)
            {
                break;
            }
        }

        Assert.Equal(LlmCircuitState.Closed, provider.GetHealth().State);
        Assert.Contains(attempts.GetMeasurementSnapshot(), m => Equals(m.Tags["llmfallback.provider"], "a") && Equals(m.Tags["llmfallback.decision"], "answered"));
        Assert.Equal("probe answer", (await client.GetResponseAsync("next", cancellationToken: Ct)).Text);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_CallerStopsMidAnswerOfAProbe_ProbePermitReturnsForTheNextRequest()
    {
        var f = new FallbackFixture();
        var a = f.Script(Script.Status(503), Script.Stream("one ", "two ", "three").Forever());
        var provider = f.Provider("a", a, o => Breaker(o, consecutiveFailures: 1));
        using var client = f.Client([provider]);
        await Assert.ThrowsAsync<LlmFallbackExhaustedException>(() => client.GetResponseAsync("opens the breaker", cancellationToken: Ct));
        f.Advance(TimeSpan.FromSeconds(15));

        await foreach (var update in client.GetStreamingResponseAsync("probe", cancellationToken: Ct))
        {
            break;
        }

        Assert.Equal(LlmCircuitState.HalfOpen, provider.GetHealth().State);
        Assert.Equal("one two three", (await client.GetResponseAsync("the next request probes", cancellationToken: Ct)).Text);
        Assert.Equal(LlmCircuitState.Closed, provider.GetHealth().State);
    }
}
