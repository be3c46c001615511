using System.Net;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using NSubstitute;

namespace LlmFallback.Tests.Providers;

public class LlmProviderTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 5, 1, 8, 0, 0, TimeSpan.Zero));

    [Fact]
    public void Constructor_NullOrBlankName_Throws()
    {
        using var client = new TestChatClient();

        Assert.Throws<ArgumentNullException>("name", () => new LlmProvider(null!, client));
        Assert.Throws<ArgumentException>("name", () => new LlmProvider(" ", client));
        Assert.Throws<ArgumentException>("name", () => new LlmProvider(string.Empty, client));
    }

    [Fact]
    public void Constructor_NullClient_Throws() =>
        Assert.Throws<ArgumentNullException>("client", () => new LlmProvider("a", null!));

    [Fact]
    public void Constructor_InvalidOptions_ThrowsNamingTheKey()
    {
        using var client = new TestChatClient();
        var options = new LlmProviderOptions();
        options.Resilience.MaxRetries = 11;
        options.Capabilities.ContextWindow = -1;

        var ex = Assert.Throws<ArgumentException>("options", () => new LlmProvider("openai", client, options));

        Assert.Equal(
            "Providers:openai:Capabilities:ContextWindow must be positive (was -1). Providers:openai:Resilience:MaxRetries must be between 0 and 10 (was 11). (Parameter 'options')",
            ex.Message);
    }

    [Fact]
    public void Constructor_NoOptions_UsesDefaults()
    {
        using var client = new TestChatClient();

        var provider = new LlmProvider("local", client);

        Assert.Equal("local", provider.Name);
        Assert.Same(client, provider.Client);
        Assert.Null(provider.Type);
        Assert.Null(provider.Model);
        Assert.Null(provider.Capabilities.ContextWindow);
        Assert.True(provider.Capabilities.Tools);
        Assert.Null(provider.Pricing.InputPerMillionTokens);
        Assert.Equal("local", provider.UpstreamName);
        Assert.Same(TimeProvider.System, provider.TimeProvider);
        Assert.Equal(2, provider.Policy.MaxRetries);
        Assert.Equal("local", provider.ToString());
    }

    [Fact]
    public void Constructor_Options_AreCopied()
    {
        using var client = new TestChatClient();
        var options = new LlmProviderOptions { Type = "OpenAI", Model = "gpt-4o", Upstream = "azure-east" };
        options.Capabilities.ContextWindow = 128_000;
        options.Pricing.InputPerMillionTokens = 2.5m;
        options.Resilience.MaxRetries = 1;

        var provider = new LlmProvider("openai", client, options, timeProvider: _time);
        options.Model = "changed";
        options.Capabilities.ContextWindow = 1;
        options.Pricing.InputPerMillionTokens = 99m;
        options.Resilience.MaxRetries = 9;

        Assert.Equal("OpenAI", provider.Type);
        Assert.Equal("gpt-4o", provider.Model);
        Assert.Equal(128_000, provider.Capabilities.ContextWindow);
        Assert.Equal(2.5m, provider.Pricing.InputPerMillionTokens);
        Assert.Equal(1, provider.Policy.MaxRetries);
        Assert.Equal("azure-east", provider.UpstreamName);
        Assert.Equal("openai (gpt-4o)", provider.ToString());
    }

    [Fact]
    public void GetHealth_Closed_IsAvailable()
    {
        var health = Create().GetHealth();

        Assert.Equal("p", health.Provider);
        Assert.Equal(LlmCircuitState.Closed, health.State);
        Assert.Null(health.AvailableAt);
        Assert.True(health.IsAvailable);
        Assert.False(health.IsCoolingDown);
        Assert.Equal(0, health.ConsecutiveFailures);
        Assert.Null(health.LastFailureKind);
    }

    [Fact]
    public void GetHealth_BreakerOpen_AvailableWhenTheBreakEnds()
    {
        var provider = Create();
        var opened = _time.GetUtcNow();
        for (var i = 0; i < 15; i++)
        {
            provider.Breaker.TryAcquire(_time.GetTimestamp(), out _);
            provider.Breaker.OnFailure(_time.GetTimestamp(), probe: 0, LlmFailureKind.Transport, provider.Breaker.Sequence, _time.GetTimestamp());
        }

        _time.Advance(TimeSpan.FromSeconds(4));
        var health = provider.GetHealth();

        Assert.Equal(LlmCircuitState.Open, health.State);
        Assert.Equal(opened.AddSeconds(15), health.AvailableAt);
        Assert.False(health.IsAvailable);
        Assert.False(health.IsCoolingDown);
        Assert.Equal(15, health.ConsecutiveFailures);
        Assert.Equal(LlmFailureKind.Transport, health.LastFailureKind);
    }

    [Fact]
    public void GetHealth_BreakOverButNoProbeYet_IsAvailable()
    {
        var provider = BreakOver();

        var health = provider.GetHealth();

        Assert.Equal(LlmCircuitState.Open, health.State);
        Assert.Null(health.AvailableAt);
        Assert.True(health.IsAvailable);
    }

    [Fact]
    public void GetHealth_HalfOpen_IsAvailable()
    {
        var provider = Create();
        provider.Breaker.Isolate(_time.GetTimestamp(), TimeSpan.Zero, LlmFailureKind.ServerError);
        _time.Advance(TimeSpan.FromSeconds(15));
        Assert.True(provider.Breaker.TryAcquire(_time.GetTimestamp(), out _));

        var health = provider.GetHealth();

        Assert.Equal(LlmCircuitState.HalfOpen, health.State);
        Assert.True(health.IsAvailable);
    }

    [Fact]
    public void GetHealth_CoolingDown_AvailableWhenTheCooldownEnds()
    {
        var provider = Create();

        provider.Upstream.CoolDownUntil(_time.GetTimestamp() + Ticks(TimeSpan.FromSeconds(30)));
        var health = provider.GetHealth();

        Assert.Equal(LlmCircuitState.Closed, health.State);
        Assert.True(health.IsCoolingDown);
        Assert.Equal(_time.GetUtcNow().AddSeconds(30), health.AvailableAt);
        Assert.False(health.IsAvailable);

        _time.Advance(TimeSpan.FromSeconds(30));
        Assert.False(provider.GetHealth().IsCoolingDown);
        Assert.True(provider.GetHealth().IsAvailable);
    }

    [Theory]
    [InlineData(30, 30)]
    [InlineData(5, 15)]
    public void GetHealth_OpenAndCoolingDown_AvailableAtTheLaterOfBoth(int cooldownSeconds, int expectedSeconds)
    {
        var provider = Create();
        var now = _time.GetTimestamp();

        provider.Breaker.Isolate(now, TimeSpan.Zero, LlmFailureKind.ServerError);
        provider.Upstream.CoolDownUntil(now + Ticks(TimeSpan.FromSeconds(cooldownSeconds)));

        Assert.Equal(_time.GetUtcNow().AddSeconds(expectedSeconds), provider.GetHealth().AvailableAt);
        Assert.Equal(now + Ticks(TimeSpan.FromSeconds(expectedSeconds)), provider.UnavailableUntil(now));
    }

    [Fact]
    public void UnavailableUntil_Available_IsZero() =>
        Assert.Equal(0, Create().UnavailableUntil(_time.GetTimestamp()));

    [Fact]
    public void Classify_ProviderClassifiers_TriedInOrderBeforeTheSharedRules()
    {
        var ex = new InvalidOperationException("sdk error");
        var first = Substitute.For<ILlmFailureClassifier>();
        var second = Substitute.For<ILlmFailureClassifier>();
        var third = Substitute.For<ILlmFailureClassifier>();
        first.Classify(ex).Returns((LlmFailure?)null);
        second.Classify(ex).Returns(new LlmFailure(LlmFailureKind.ContentPolicy, 400));
        using var client = new TestChatClient();
        var provider = new LlmProvider("p", client, classifiers: [first, second, third]);

        var failure = provider.Classify(ex);

        Assert.Equal(LlmFailureKind.ContentPolicy, failure.Kind);
        Received.InOrder(() =>
        {
            first.Classify(ex);
            second.Classify(ex);
        });
        third.DidNotReceiveWithAnyArgs().Classify(default!);
    }

    [Fact]
    public void Classify_NoClassifierRecognisesIt_SharedRulesDecide()
    {
        var custom = Substitute.For<ILlmFailureClassifier>();
        custom.Classify(Arg.Any<Exception>()).Returns((LlmFailure?)null);
        using var client = new TestChatClient();
        var provider = new LlmProvider("p", client, classifiers: [custom]);
        var ex = new HttpRequestException("x", null, HttpStatusCode.TooManyRequests);

        var failure = provider.Classify(ex);

        Assert.Equal(LlmFailureKind.RateLimited, failure.Kind);
        Assert.Equal(429, failure.StatusCode);
        custom.Received(1).Classify(ex);
    }

    [Fact]
    public void Classify_ClassifierListChangedAfterConstruction_IsNotSeen()
    {
        var classifiers = new List<ILlmFailureClassifier>();
        using var client = new TestChatClient();
        var provider = new LlmProvider("p", client, classifiers: classifiers);
        var late = Substitute.For<ILlmFailureClassifier>();
        late.Classify(Arg.Any<Exception>()).Returns(new LlmFailure(LlmFailureKind.BadRequest));

        classifiers.Add(late);

        Assert.Equal(LlmFailureKind.ServerError, provider.Classify(new InvalidOperationException()).Kind);
    }

    [Fact]
    public void Classify_Null_Throws() =>
        Assert.Throws<ArgumentNullException>("exception", () => Create().Classify(null!));

    [Fact]
    public void BreakerTransitions_AreLoggedWithoutProviderText()
    {
        using var loggerProvider = new FakeLoggerProvider();
        using var loggerFactory = new LoggerFactory([loggerProvider]);
        using var client = new TestChatClient();
        var provider = new LlmProvider("openai", client, timeProvider: _time, loggerFactory: loggerFactory);

        provider.Breaker.Isolate(_time.GetTimestamp(), TimeSpan.Zero, LlmFailureKind.Authentication);
        _time.Advance(TimeSpan.FromSeconds(15));
        provider.Breaker.TryAcquire(_time.GetTimestamp(), out var probe);
        provider.Breaker.OnSuccess(probe);

        var logs = loggerProvider.Collector.GetSnapshot();
        Assert.Equal(
            [
                "Circuit breaker of provider 'openai' opened (was Closed) after authentication; calls are refused for 00:00:15.",
                "Circuit breaker of provider 'openai' went from Open to HalfOpen.",
                "Circuit breaker of provider 'openai' went from HalfOpen to Closed.",
            ],
            logs.Select(l => l.Message));
        Assert.Equal([LogLevel.Warning, LogLevel.Information, LogLevel.Information], logs.Select(l => l.Level));
        Assert.Equal([3, 4, 4], logs.Select(l => l.Id.Id));
        Assert.All(logs, l => Assert.Equal("LlmFallback.Providers", l.Category));
    }

    [Fact]
    public void BreakerTransitions_AreCountedInTheTransitionsMetric()
    {
        var name = "metric-" + Guid.NewGuid().ToString("N");
        using var collector = new MetricCollector<long>(null, LlmFallbackDiagnostics.Name, LlmFallbackDiagnostics.BreakerTransitionsInstrument);
        using var client = new TestChatClient();
        var provider = new LlmProvider(name, client, timeProvider: _time);

        for (var i = 0; i < 20; i++)
        {
            provider.Breaker.TryAcquire(_time.GetTimestamp(), out _);
            provider.Breaker.OnFailure(_time.GetTimestamp(), probe: 0, LlmFailureKind.ServerError, provider.Breaker.Sequence, _time.GetTimestamp());
        }

        _time.Advance(TimeSpan.FromSeconds(15));
        provider.Breaker.TryAcquire(_time.GetTimestamp(), out var probe);
        provider.Breaker.OnFailure(_time.GetTimestamp(), probe, LlmFailureKind.Timeout, 0, _time.GetTimestamp());

        var mine = collector.GetMeasurementSnapshot().Where(m => Equals(m.Tags["llmfallback.provider"], name)).ToList();
        Assert.Equal(
            [("closed", "open"), ("open", "half_open"), ("half_open", "open")],
            mine.Select(m => ((string)m.Tags["from"]!, (string)m.Tags["to"]!)));
        Assert.All(mine, m => Assert.Equal(1, m.Value));
    }

    [Fact]
    public void Classify_UserClientEchoesAKey_KeptExceptionIsScrubbed()
    {
        var provider = Create();
        var echoed = new HttpRequestException("Incorrect API key provided: Bearer sk-proj-abcdefghijklmnopqrstuvwxyz0123456789", null, System.Net.HttpStatusCode.Unauthorized);

        var failure = provider.Classify(echoed);

        Assert.Equal(LlmFailureKind.Authentication, failure.Kind);
        Assert.DoesNotContain("abcdefghijklmnopqrstuvwxyz0123456789", failure.Exception!.ToString(), StringComparison.Ordinal);
        var exhausted = new LlmFallbackExhaustedException([new LlmAttempt("p", null, failure, TimeSpan.Zero, LlmAttemptDecision.Surfaced)], null, DateTimeOffset.UnixEpoch);
        Assert.DoesNotContain("abcdefghijklmnopqrstuvwxyz0123456789", exhausted.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Succeed_ProbeClosesTheBreaker_TheSlowStartIsInPlaceBeforeWaitersAreWoken()
    {
        // A waiter woken by the close (the pulse of the transition) may run before the thread that closed the breaker
        // goes on: it must already find the slow start, or every waiter gets in at once. The handler below is such a
        // waiter, run at the moment the close is announced.
        var provider = BreakOver();
        var now = _time.GetTimestamp();
        Assert.True(provider.TryAcquire(now, out var probe, out _));
        var woken = new List<LlmRefusal>();
        provider.Breaker.Transitioned += (_, to, _) =>
        {
            if (to == LlmCircuitState.Closed)
            {
                provider.TryAcquire(now, out var first, out var refusal);
                woken.Add(refusal);
                provider.TryAcquire(now, out var second, out refusal);
                woken.Add(refusal);
                provider.Release(ref first);
                provider.Release(ref second);
            }
        };

        provider.Succeed(ref probe);

        Assert.Equal(LlmCircuitState.Closed, provider.Breaker.State);
        Assert.Equal([LlmRefusal.None, LlmRefusal.Ramping], woken);
        Assert.True(provider.Upstream.IsRamping);
    }

    private LlmProvider Create() => new("p", new TestChatClient(), timeProvider: _time);

    /// <summary>A provider whose breaker opened and whose (default, 15 s) break has just ended.</summary>
    private LlmProvider BreakOver()
    {
        var provider = Create();
        provider.Breaker.Isolate(_time.GetTimestamp(), TimeSpan.Zero, LlmFailureKind.ServerError);
        _time.Advance(TimeSpan.FromSeconds(15));
        return provider;
    }

    private long Ticks(TimeSpan value) => (long)(value.TotalSeconds * _time.TimestampFrequency);
}
