using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Time.Testing;

namespace LlmFallback.Tests.Health;

public class LlmProvidersHealthCheckTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void Constructor_NullRegistry_Throws() =>
        Assert.Throws<ArgumentNullException>("registry", () => new LlmProvidersHealthCheck(null!));

    [Fact]
    public async Task CheckHealthAsync_AllAvailable_HealthyWithEachState()
    {
        using var sp = Build("a", "b");

        var result = await Check(sp);

        Assert.Equal(HealthStatus.Healthy, result.Status);
        Assert.Equal("2 of 2 LLM providers available.", result.Description);
        Assert.Equal(new Dictionary<string, object> { ["a"] = "closed", ["b"] = "closed" }, result.Data);
    }

    [Fact]
    public async Task CheckHealthAsync_SomeOpenOrCoolingDown_Degraded()
    {
        using var sp = Build("a", "b", "c");
        var registry = sp.GetRequiredService<LlmProviderRegistry>();
        var now = _time.GetTimestamp();
        registry.GetProvider("a").Breaker.Isolate(now, TimeSpan.Zero, LlmFailureKind.ServerError);
        registry.GetProvider("b").Upstream.CoolDownUntil(now + _time.TimestampFrequency * 10);

        var result = await Check(sp);

        Assert.Equal(HealthStatus.Degraded, result.Status);
        Assert.Equal("1 of 3 LLM providers available.", result.Description);
        Assert.Equal(new Dictionary<string, object> { ["a"] = "open", ["b"] = "cooling_down", ["c"] = "closed" }, result.Data);
    }

    [Fact]
    public async Task CheckHealthAsync_HalfOpen_CountsAsAvailable()
    {
        using var sp = Build("a");
        var breaker = sp.GetRequiredService<LlmProviderRegistry>().GetProvider("a").Breaker;
        breaker.Isolate(_time.GetTimestamp(), TimeSpan.Zero, LlmFailureKind.ServerError);
        _time.Advance(TimeSpan.FromSeconds(15));
        breaker.TryAcquire(_time.GetTimestamp(), out _);

        var result = await Check(sp);

        Assert.Equal(HealthStatus.Healthy, result.Status);
        Assert.Equal("half_open", result.Data["a"]);
    }

    [Fact]
    public async Task CheckHealthAsync_NoneAvailable_UnhealthyOrTheRegisteredFailureStatus()
    {
        using var sp = Build("a", "b");
        var registry = sp.GetRequiredService<LlmProviderRegistry>();
        foreach (var p in registry.Providers)
        {
            p.Breaker.Isolate(_time.GetTimestamp(), TimeSpan.FromMinutes(1), LlmFailureKind.Authentication);
        }

        var check = new LlmProvidersHealthCheck(registry);
        var unhealthy = await check.CheckHealthAsync(new HealthCheckContext(), TestContext.Current.CancellationToken);
        var custom = await check.CheckHealthAsync(
            new HealthCheckContext { Registration = new HealthCheckRegistration("x", check, HealthStatus.Degraded, null) },
            TestContext.Current.CancellationToken);

        Assert.Equal(HealthStatus.Unhealthy, unhealthy.Status);
        Assert.Equal("No LLM provider is available (2 registered).", unhealthy.Description);
        Assert.Equal(new Dictionary<string, object> { ["a"] = "open", ["b"] = "open" }, unhealthy.Data);
        Assert.Equal(HealthStatus.Degraded, custom.Status);
    }

    [Fact]
    public async Task CheckHealthAsync_RecentErrorRateAtTheDegradedThreshold_DegradedWithTheRate()
    {
        using var sp = Build("a", "b");
        Record(sp, "a", succeeded: 6, failed: 4);
        Record(sp, "b", succeeded: 10, failed: 0);

        var result = await Check(sp);

        Assert.Equal(HealthStatus.Degraded, result.Status);
        Assert.Equal("2 of 2 LLM providers available; 1 failing often.", result.Description);
        Assert.Equal(new Dictionary<string, object> { ["a"] = "closed", ["a.error_rate"] = 0.4, ["b"] = "closed", ["b.error_rate"] = 0.0 }, result.Data);
    }

    [Fact]
    public async Task CheckHealthAsync_ErrorRateBelowMinimumCalls_NotJudged()
    {
        using var sp = Build("a");
        Record(sp, "a", succeeded: 0, failed: 5);

        var result = await Check(sp);

        Assert.Equal(HealthStatus.Healthy, result.Status);
        Assert.Equal(1.0, result.Data["a.error_rate"]);
    }

    [Fact]
    public async Task CheckHealthAsync_EveryAvailableProviderFailingAtTheUnhealthyRate_FailureStatus()
    {
        using var sp = Build("a", "b");
        Record(sp, "a", succeeded: 1, failed: 9);
        sp.GetRequiredService<LlmProviderRegistry>().GetProvider("b").Breaker.Isolate(_time.GetTimestamp(), TimeSpan.Zero, LlmFailureKind.ServerError);

        var result = await Check(sp, new LlmProvidersHealthCheckOptions { UnhealthyErrorRate = 0.9 });

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Equal("1 of 2 LLM providers available, but every one is failing.", result.Description);
    }

    [Fact]
    public async Task CheckHealthAsync_CustomThresholds_AreUsed()
    {
        using var sp = Build("a");
        Record(sp, "a", succeeded: 3, failed: 1);

        var strict = await Check(sp, new LlmProvidersHealthCheckOptions { DegradedErrorRate = 0.2, MinimumCalls = 4 });
        var lenient = await Check(sp, new LlmProvidersHealthCheckOptions { DegradedErrorRate = 0.5, MinimumCalls = 4 });

        Assert.Equal((HealthStatus.Degraded, HealthStatus.Healthy), (strict.Status, lenient.Status));
    }

    [Fact]
    public async Task CheckHealthAsync_SharedStateUnreachable_DegradedAndShown()
    {
        var shared = new FakeSharedHealth { IsDegraded = true };
        using var sp = Build(shared, "a");

        var result = await Check(sp);

        Assert.Equal(HealthStatus.Degraded, result.Status);
        Assert.Equal("1 of 1 LLM providers available; shared state unreachable, each instance on its own.", result.Description);
        Assert.Equal("unreachable", result.Data["shared_state"]);
        shared.IsDegraded = false;
        Assert.Equal(HealthStatus.Healthy, (await Check(sp)).Status);
    }

    [Fact]
    public void LlmProvidersHealthCheckOptions_Defaults()
    {
        var options = new LlmProvidersHealthCheckOptions();

        Assert.Equal((0.25, 0.9, 10), (options.DegradedErrorRate, options.UnhealthyErrorRate, options.MinimumCalls));
    }

    [Fact]
    public void Constructor_BadThresholds_ThrowNamingEachOption()
    {
        using var sp = Build("a");
        var registry = sp.GetRequiredService<LlmProviderRegistry>();

        var ex = Assert.Throws<ArgumentException>("options", () => new LlmProvidersHealthCheck(registry, new() { DegradedErrorRate = 0, UnhealthyErrorRate = 1.5, MinimumCalls = 0 }));

        Assert.StartsWith(
            "LlmProvidersHealthCheckOptions.DegradedErrorRate must be greater than 0 and at most 1 (was 0). "
            + "LlmProvidersHealthCheckOptions.UnhealthyErrorRate must be at least DegradedErrorRate and at most 1 (was 1.5). "
            + "LlmProvidersHealthCheckOptions.MinimumCalls must be between 1 and 1000000 (was 0).",
            ex.Message,
            StringComparison.Ordinal);
    }

    [Fact]
    public void AddLlmProvidersHealthCheck_BadThresholds_ThrowAtRegistration()
    {
        var builder = new ServiceCollection().AddHealthChecks();

        var ex = Assert.Throws<ArgumentException>("configure", () => builder.AddLlmProvidersHealthCheck(configure: o => o.UnhealthyErrorRate = 0.1));

        Assert.StartsWith("LlmProvidersHealthCheckOptions.UnhealthyErrorRate must be at least DegradedErrorRate and at most 1 (was 0.1).", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckHealthAsync_NoProviders_Healthy()
    {
        var services = new ServiceCollection();
        services.AddLlmProviders();
        using var sp = services.BuildServiceProvider();

        var result = await new LlmProvidersHealthCheck(sp.GetRequiredService<LlmProviderRegistry>()).CheckHealthAsync(new HealthCheckContext(), TestContext.Current.CancellationToken);

        Assert.Equal(HealthStatus.Healthy, result.Status);
        Assert.Equal("0 of 0 LLM providers available.", result.Description);
    }

    [Fact]
    public async Task AddLlmProvidersHealthCheck_ReportsThroughTheHealthCheckService()
    {
        var services = new ServiceCollection().AddSingleton<TimeProvider>(_time);
        services.AddLogging();
        services.AddLlmProviders().AddProvider("a", _ => new TestChatClient()).AddProvider("b", _ => new TestChatClient());
        services.AddHealthChecks().AddLlmProvidersHealthCheck(tags: ["ready"]);
        await using var sp = services.BuildServiceProvider();
        sp.GetRequiredService<LlmProviderRegistry>().GetProvider("b").Breaker.Isolate(_time.GetTimestamp(), TimeSpan.Zero, LlmFailureKind.Timeout);

        var report = await sp.GetRequiredService<HealthCheckService>().CheckHealthAsync(TestContext.Current.CancellationToken);

        var entry = report.Entries["llm-providers"];
        Assert.Equal(HealthStatus.Degraded, entry.Status);
        Assert.Equal("open", entry.Data["b"]);
        Assert.Equal(["ready"], entry.Tags);
    }

    [Fact]
    public async Task AddLlmProvidersHealthCheck_NameAndFailureStatusAreUsed()
    {
        var services = new ServiceCollection().AddSingleton<TimeProvider>(_time);
        services.AddLogging();
        services.AddLlmProviders().AddProvider("a", _ => new TestChatClient());
        services.AddHealthChecks().AddLlmProvidersHealthCheck("llm", HealthStatus.Degraded);
        await using var sp = services.BuildServiceProvider();
        sp.GetRequiredService<LlmProviderRegistry>().GetProvider("a").Breaker.Isolate(_time.GetTimestamp(), TimeSpan.Zero, LlmFailureKind.Timeout);

        var report = await sp.GetRequiredService<HealthCheckService>().CheckHealthAsync(TestContext.Current.CancellationToken);

        Assert.Equal(HealthStatus.Degraded, report.Entries["llm"].Status);
    }

    [Fact]
    public void AddLlmProvidersHealthCheck_NullArguments_Throw()
    {
        var builder = new ServiceCollection().AddHealthChecks();

        Assert.Throws<ArgumentNullException>("builder", () => ((IHealthChecksBuilder)null!).AddLlmProvidersHealthCheck());
        Assert.Throws<ArgumentNullException>("name", () => builder.AddLlmProvidersHealthCheck(null!));
        Assert.Throws<ArgumentException>("name", () => builder.AddLlmProvidersHealthCheck(" "));
    }

    private ServiceProvider Build(params string[] names) => Build(null, names);

    private ServiceProvider Build(FakeSharedHealth? shared, params string[] names)
    {
        var services = new ServiceCollection().AddSingleton<TimeProvider>(_time);
        if (shared is not null)
        {
            services.AddSingleton<ISharedHealthStore>(shared);
        }

        var builder = services.AddLlmProviders();
        foreach (var name in names)
        {
            builder.AddProvider(name, _ => new TestChatClient());
        }

        return services.BuildServiceProvider();
    }

    private static Task<HealthCheckResult> Check(IServiceProvider sp, LlmProvidersHealthCheckOptions? options = null) =>
        new LlmProvidersHealthCheck(sp.GetRequiredService<LlmProviderRegistry>(), options).CheckHealthAsync(new HealthCheckContext(), TestContext.Current.CancellationToken);

    /// <summary>Calls that completed in the breaker's window, failures spread so no streak opens the breaker.</summary>
    private void Record(IServiceProvider sp, string name, int succeeded, int failed)
    {
        var breaker = sp.GetRequiredService<LlmProviderRegistry>().GetProvider(name).Breaker;
        for (var i = 0; i < succeeded + failed; i++)
        {
            var now = _time.GetTimestamp();
            breaker.TryAcquire(now, out _);
            if (i < failed)
            {
                breaker.OnFailure(now, 0, LlmFailureKind.ServerError, breaker.Sequence, now);
            }
            else
            {
                breaker.OnSuccess(0);
            }
        }
    }

    private sealed class FakeSharedHealth : ISharedHealthStore
    {
        public bool IsDegraded { get; set; }

        public void Attach(IReadOnlyList<LlmProvider> providers)
        {
        }

        public void CooldownStarted(LlmProvider provider, DateTimeOffset until)
        {
        }

        public void BreakerOpened(LlmProvider provider, DateTimeOffset until, LlmFailureKind? cause)
        {
        }
    }
}
