using LlmFallback.Testing;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace LlmFallback.Tests.Fallback;

/// <summary>Panic mode: when every breaker is open, a request still goes to the provider most likely to answer.</summary>
public sealed class FallbackChatClientPanicTests
{
    private static CancellationToken Ct => FallbackFixture.Ct;

    private static void LongBreak(LlmProviderOptions o) =>
        (o.Resilience.MaxRetries, o.Resilience.CircuitBreaker.ConsecutiveFailures, o.Resilience.CircuitBreaker.BreakDuration) = (0, 2, TimeSpan.FromMinutes(1));

    [Fact]
    public async Task GetResponseAsync_EveryBreakerOpenBeyondTheBudget_CallsTheMostLikelyProvider()
    {
        var f = new FallbackFixture();

        // a failed 2 of 2 calls; b failed 2 of 3: b is the more likely to answer.
        var a = f.Script(Script.Status(503), Script.Status(503), Script.Answer("from a").Forever());
        var b = f.Script(Script.Answer("from b"), Script.Status(503), Script.Status(503), Script.Answer("b is back").Forever());
        var pa = f.Provider("a", a, LongBreak);
        var pb = f.Provider("b", b, LongBreak);
        using var onlyB = f.Client([pb]);
        Assert.Equal("from b", (await onlyB.GetResponseAsync("1", cancellationToken: Ct)).Text);
        using var client = f.Client([pa, pb]);
        await Assert.ThrowsAsync<LlmFallbackExhaustedException>(() => client.GetResponseAsync("2", cancellationToken: Ct));
        await Assert.ThrowsAsync<LlmFallbackExhaustedException>(() => client.GetResponseAsync("3", cancellationToken: Ct));
        Assert.Equal((LlmCircuitState.Open, LlmCircuitState.Open), (pa.GetHealth().State, pb.GetHealth().State));
        using var panics = new MetricCollector<long>(null, LlmFallbackDiagnostics.Name, LlmFallbackDiagnostics.PanicCallsInstrument);

        var response = await client.GetResponseAsync("4", cancellationToken: Ct);

        Assert.Equal("b is back", response.Text);
        Assert.Equal(f.Start, f.Time.GetUtcNow());
        Assert.Equal(LlmCircuitState.Closed, pb.GetHealth().State);
        Assert.Equal(LlmCircuitState.Open, pa.GetHealth().State);
        Assert.Equal(2, a.CallCount);
        Assert.Equal(1, f.Logged("PanicCall"));
        Assert.Contains(panics.GetMeasurementSnapshot(), m => Equals(m.Tags[LlmFallbackDiagnostics.ProviderTag], "b"));
    }

    [Fact]
    public async Task GetResponseAsync_PanicCallFails_OneCallOnlyThenTheExhaustedError()
    {
        var f = new FallbackFixture();
        var a = f.Always(Script.Status(503));
        var pa = f.Provider("a", a, LongBreak);
        using var client = f.Client([pa]);
        await Assert.ThrowsAsync<LlmFallbackExhaustedException>(() => client.GetResponseAsync("1", cancellationToken: Ct));
        await Assert.ThrowsAsync<LlmFallbackExhaustedException>(() => client.GetResponseAsync("2", cancellationToken: Ct));
        Assert.Equal(LlmCircuitState.Open, pa.GetHealth().State);

        var error = await Assert.ThrowsAsync<LlmFallbackExhaustedException>(() => client.GetResponseAsync("3", cancellationToken: Ct));

        Assert.Equal(3, a.CallCount);
        Assert.Equal([LlmAttemptDecision.Skipped, LlmAttemptDecision.Surfaced], error.Attempts.Select(x => x.Decision));
        Assert.Equal(LlmCircuitState.Open, pa.GetHealth().State);
    }

    [Fact]
    public async Task GetResponseAsync_EveryBreakerOpenButOneProviderCoolingDown_NoPanicCallPastTheCoolDown()
    {
        var f = new FallbackFixture();
        var a = f.Script(Script.Status(503), Script.Status(503), Script.Status(429, retryAfter: TimeSpan.FromMinutes(5)), Script.Answer("from a").Forever());
        var pa = f.Provider("a", a, LongBreak);
        using var client = f.Client([pa]);
        await Assert.ThrowsAsync<LlmFallbackExhaustedException>(() => client.GetResponseAsync("1", cancellationToken: Ct));
        await Assert.ThrowsAsync<LlmFallbackExhaustedException>(() => client.GetResponseAsync("2", cancellationToken: Ct));
        await Assert.ThrowsAsync<LlmFallbackExhaustedException>(() => client.GetResponseAsync("3: panic, answered 429 with five minutes", cancellationToken: Ct));
        Assert.Equal(3, a.CallCount);

        await Assert.ThrowsAsync<LlmFallbackExhaustedException>(() => client.GetResponseAsync("4", cancellationToken: Ct));

        Assert.Equal(3, a.CallCount);
    }

    [Fact]
    public async Task GetResponseAsync_EveryBreakerOpenOneIsolatedForItsCredentials_PanicsOnTheOther()
    {
        var f = new FallbackFixture();
        var a = f.Always(Script.Status(401));
        var b = f.Script(Script.Status(503), Script.Status(503), Script.Answer("from b").Forever());
        var pa = f.Provider("a", a, o => o.Resilience.CircuitBreaker.BreakDuration = TimeSpan.FromMinutes(1));
        var pb = f.Provider("b", b, LongBreak);
        using var client = f.Client([pa, pb]);
        await Assert.ThrowsAsync<LlmFallbackExhaustedException>(() => client.GetResponseAsync("1", cancellationToken: Ct));
        await Assert.ThrowsAsync<LlmFallbackExhaustedException>(() => client.GetResponseAsync("2", cancellationToken: Ct));
        Assert.Equal((LlmCircuitState.Open, LlmCircuitState.Open), (pa.GetHealth().State, pb.GetHealth().State));

        var response = await client.GetResponseAsync("3", cancellationToken: Ct);

        Assert.Equal("from b", response.Text);
        Assert.Equal(1, a.CallCount);
    }
}
