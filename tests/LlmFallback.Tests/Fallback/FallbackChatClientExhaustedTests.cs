using System.Net;
using System.Net.Http;
using LlmFallback.Testing;

namespace LlmFallback.Tests.Fallback;

/// <summary>When every provider fails: one exception listing each attempt, when to come back, and no secrets.</summary>
public sealed class FallbackChatClientExhaustedTests
{
    private static CancellationToken Ct => FallbackFixture.Ct;

    [Fact]
    public async Task GetResponseAsync_EveryProviderFailsOrIsUnavailable_ListsEachAttemptAndEarliestRetryAt()
    {
        var f = new FallbackFixture();
        var a = f.Always(Script.Status(503));
        var b = f.Always(Script.Status(401));
        var c = f.Always(Script.Status(429, retryAfter: TimeSpan.FromSeconds(5)));
        var bProvider = f.Provider("b", b, o => o.Resilience.CircuitBreaker.BreakDuration = TimeSpan.FromSeconds(15));
        using var isolateB = f.Client([bProvider]);
        await Assert.ThrowsAsync<LlmFallbackExhaustedException>(() => isolateB.GetResponseAsync("isolates b", cancellationToken: Ct));
        using var client = f.Client(
            [f.Provider("a", a, o => { o.Resilience.MaxRetries = 1; o.Resilience.CircuitBreaker.ConsecutiveFailures = 2; o.Resilience.CircuitBreaker.BreakDuration = TimeSpan.FromSeconds(20); }), bProvider, f.Provider("c", c, o => o.Resilience.MaxRetryAfter = TimeSpan.FromSeconds(1))],
            jitter: 0);

        var error = await Assert.ThrowsAsync<LlmFallbackExhaustedException>(() => client.GetResponseAsync("hi", cancellationToken: Ct));

        Assert.Equal(
        [
            ("a", LlmFailureKind.ServerError, (int?)503, LlmAttemptDecision.Retried),
            ("a", LlmFailureKind.ServerError, 503, LlmAttemptDecision.FailedOver),
            ("b", LlmFailureKind.Unavailable, null, LlmAttemptDecision.Skipped),
            ("c", LlmFailureKind.RateLimited, 429, LlmAttemptDecision.Surfaced),
        ],
        error.Attempts.Select(x => (x.Provider, x.Kind!.Value, x.StatusCode, x.Decision)));
        Assert.Equal("circuit_open", error.Attempts[2].Failure!.ErrorCode);
        Assert.Equal(LlmFailureKind.RateLimited, error.LastFailureKind);

        // a's breaker (opened by its two failures) lets a probe in at +20 s, b's at +15 s, c's cool-down ends at +5 s:
        // the earliest wins.
        Assert.Equal(f.Start + TimeSpan.FromSeconds(5), error.RetryAt);
        Assert.Equal(TimeSpan.FromSeconds(5), error.RetryAfter);
        Assert.Equal((1, 2, 1), (b.CallCount, a.CallCount, c.CallCount));

        Assert.Contains("(4 attempts)", error.Message, StringComparison.Ordinal);
        Assert.Contains("a: ServerError (HTTP 503) in 0ms, retried", error.Message, StringComparison.Ordinal);
        Assert.Contains("b: Unavailable (circuit_open), skipped", error.Message, StringComparison.Ordinal);
        Assert.Contains("c: RateLimited (HTTP 429, retry after 5s) in 0ms, surfaced", error.Message, StringComparison.Ordinal);
        Assert.Contains("accepts traffic again is in 5s", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetResponseAsync_ProvidersFailButStayAvailable_RetryAtIsNow()
    {
        var f = new FallbackFixture();
        using var client = f.Client(
            [f.Provider("a", f.Always(Script.Status(500)), o => o.Resilience.MaxRetries = 0), f.Provider("b", f.Always(Script.Status(502)), o => o.Resilience.MaxRetries = 0)]);

        var error = await Assert.ThrowsAsync<LlmFallbackExhaustedException>(() => client.GetResponseAsync("hi", cancellationToken: Ct));

        // Both still accept calls (neither breaker is open, neither cools down): the earliest retry is now.
        Assert.Equal(f.Start, error.RetryAt);
        Assert.Equal(TimeSpan.Zero, error.RetryAfter);
        Assert.Equal(2, error.Attempts.Count);
        Assert.Contains("A provider accepts traffic again now.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetResponseAsync_EveryProviderCoolingDown_RetryAtIsEarliestCoolDownEnd()
    {
        var f = new FallbackFixture();
        using var client = f.Client(
        [
            f.Provider("a", f.Always(Script.Status(429, retryAfter: TimeSpan.FromSeconds(90))), o => o.Resilience.MaxRetryAfter = TimeSpan.FromSeconds(10)),
            f.Provider("b", f.Always(Script.Status(429, retryAfter: TimeSpan.FromSeconds(40))), o => o.Resilience.MaxRetryAfter = TimeSpan.FromSeconds(10)),
        ]);
        await Assert.ThrowsAsync<LlmFallbackExhaustedException>(() => client.GetResponseAsync("first", cancellationToken: Ct));
        f.Advance(TimeSpan.FromSeconds(10));

        // Nothing is called now; the caller learns when to come back (30 s from now, when b cools off).
        var error = await Assert.ThrowsAsync<LlmFallbackExhaustedException>(() => client.GetResponseAsync("second", cancellationToken: Ct));

        Assert.All(error.Attempts, x => Assert.Equal((LlmAttemptDecision.Skipped, "cooling_down"), (x.Decision, x.Failure!.ErrorCode)));
        Assert.Equal(f.Start + TimeSpan.FromSeconds(40), error.RetryAt);
        Assert.Equal(TimeSpan.FromSeconds(30), error.RetryAfter);
        Assert.Null(error.LastFailureKind);
    }

    [Fact]
    public async Task GetResponseAsync_ProviderExceptionsCarrySecrets_NeitherMessageNorLogsContainThem()
    {
        var f = new FallbackFixture();
        var a = f.Always(Script.Throw(() => new HttpRequestException($"Incorrect API key provided: {FallbackFixture.FakeKey}.", null, HttpStatusCode.Unauthorized)));
        var b = f.Always(Script.Throw(() => new InvalidOperationException($"upstream echoed: Authorization: Bearer {FallbackFixture.FakeKey}")));
        var c = f.Always(Script.Throw(() => new LlmProviderException(LlmFailureKind.RateLimited, "c", 429, null, "rate_limit_exceeded", new InvalidOperationException($"quota for {FallbackFixture.FakeKey} exceeded"))));
        using var client = f.Client(
            [f.Provider("a", a, o => o.ApiKey = FallbackFixture.FakeKey), f.Provider("b", b, o => (o.ApiKey, o.Resilience.MaxRetries) = (FallbackFixture.FakeKey, 0)), f.Provider("c", c, o => o.Resilience.MaxRetries = 0)]);

        var error = await Assert.ThrowsAsync<LlmFallbackExhaustedException>(() => client.GetResponseAsync($"my key is {FallbackFixture.FakeKey}", cancellationToken: Ct));

        Assert.Equal([LlmFailureKind.Authentication, LlmFailureKind.ServerError, LlmFailureKind.RateLimited], error.Attempts.Select(x => x.Kind!.Value));
        AssertNoSecret(error.Message);
        Assert.DoesNotContain("Incorrect API key", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Bearer", error.Message, StringComparison.Ordinal);
        Assert.All(error.Attempts, x => AssertNoSecret(x.ToString()));
        AssertLogsHaveNoSecret(f, expectedFailures: 3);
    }

    [Fact]
    public async Task GetResponseAsync_SurfacedFailureCarriesSecret_MessageAndLogsDoNotContainIt()
    {
        var f = new FallbackFixture();
        var a = f.Always(Script.Throw(() => new LlmProviderException(
            LlmFailureKind.ContentPolicy, "a", 400, null, "content_filter", new InvalidOperationException($"flagged prompt 'my key is {FallbackFixture.FakeKey}'"))));
        using var client = f.Client([f.Provider("a", a, o => o.ApiKey = FallbackFixture.FakeKey)]);

        var error = await Assert.ThrowsAsync<LlmProviderException>(() => client.GetResponseAsync($"my key is {FallbackFixture.FakeKey}", cancellationToken: Ct));

        Assert.Equal(LlmFailureKind.ContentPolicy, error.Kind);
        AssertNoSecret(error.Message);
        AssertLogsHaveNoSecret(f, expectedFailures: 1);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_EveryProviderFails_ThrowsExhaustedWithoutSecrets()
    {
        var f = new FallbackFixture();
        var a = f.Always(Script.Throw(() => new HttpRequestException($"Incorrect API key provided: {FallbackFixture.FakeKey}.", null, HttpStatusCode.Forbidden)));
        var b = f.Always(Script.Answer("never complete").WithoutFinish());
        using var client = f.Client(
            [f.Provider("a", a), f.Provider("b", b, o => o.Resilience.MaxRetries = 0)],
            FallbackFixture.Options(o => o.Streaming.HoldbackUntilComplete = true));

        var result = await StreamResult.DrainAsync(client.GetStreamingResponseAsync("hi", cancellationToken: Ct));

        var error = Assert.IsType<LlmFallbackExhaustedException>(result.Error);
        Assert.Empty(result.Updates);
        Assert.Equal([LlmFailureKind.Authentication, LlmFailureKind.Transport], error.Attempts.Select(x => x.Kind!.Value));
        Assert.Equal("stream_incomplete", error.Attempts[1].Failure!.ErrorCode);
        AssertNoSecret(error.Message);
        AssertLogsHaveNoSecret(f, expectedFailures: 2);
    }

    private static void AssertNoSecret(string text) => Assert.DoesNotContain(FallbackFixture.FakeKey, text, StringComparison.Ordinal);

    private static void AssertLogsHaveNoSecret(FallbackFixture f, int expectedFailures)
    {
        var records = f.Logs.GetSnapshot();
        Assert.Equal(expectedFailures, records.Count(r => r.Id.Name == "AttemptFailed"));
        foreach (var record in records)
        {
            AssertNoSecret(record.Message);
            Assert.All(record.StructuredState ?? [], kv => AssertNoSecret(kv.Value ?? string.Empty));
            Assert.Null(record.Exception);
        }
    }
}
