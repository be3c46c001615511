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

    private ServiceProvider Build(params string[] names)
    {
        var services = new ServiceCollection().AddSingleton<TimeProvider>(_time);
        var builder = services.AddLlmProviders();
        foreach (var name in names)
        {
            builder.AddProvider(name, _ => new TestChatClient());
        }

        return services.BuildServiceProvider();
    }

    private static Task<HealthCheckResult> Check(IServiceProvider sp) =>
        new LlmProvidersHealthCheck(sp.GetRequiredService<LlmProviderRegistry>()).CheckHealthAsync(new HealthCheckContext(), TestContext.Current.CancellationToken);
}
