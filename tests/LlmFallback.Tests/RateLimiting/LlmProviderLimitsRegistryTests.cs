using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace LlmFallback.Tests.RateLimiting;

public sealed class LlmProviderLimitsRegistryTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void TryAcquire_ProviderRequestsPerMinute_RefusesPastTheLimit()
    {
        using var registry = new LlmProviderLimitsRegistry([new("openai", new LlmProviderLimits { RequestsPerMinute = 2, TokensPerMinute = 10_000 })], _time);

        Assert.True(registry.TryAcquire("openai", 100, out _));
        Assert.True(registry.TryAcquire("OpenAI", 100, out _));
        Assert.False(registry.TryAcquire("openai", 100, out var retryAfter));

        // A sliding minute of 5-second buckets: the earliest the window may have room is the next bucket boundary.
        Assert.Equal(TimeSpan.FromSeconds(5), retryAfter);
        Assert.True(registry.TryAcquire("anthropic", 1_000_000, out _));
    }

    [Fact]
    public void TryAcquire_ProviderTokensPerMinute_CountsCorrections()
    {
        using var registry = new LlmProviderLimitsRegistry([new("gemini", new LlmProviderLimits { TokensPerMinute = 1000 })], _time);

        Assert.True(registry.TryAcquire("gemini", 600, out _));
        Assert.False(registry.TryAcquire("gemini", 600, out _));
        registry.AddTokens("gemini", -300);

        Assert.True(registry.TryAcquire("gemini", 600, out _));
    }

    [Fact]
    public void TryGetLimits_DeclaredAndUndeclared()
    {
        using var registry = new LlmProviderLimitsRegistry([new("a", new LlmProviderLimits { RequestsPerMinute = 5 }), new("b", new LlmProviderLimits())], _time);

        Assert.True(registry.TryGetLimits("A", out var limits));
        Assert.Equal(5, limits.RequestsPerMinute);
        Assert.False(registry.TryGetLimits("b", out _));
        Assert.Equal(["a"], registry.Providers);
    }

    [Fact]
    public void Constructor_BadLimit_ThrowsNamingTheKey()
    {
        var ex = Assert.Throws<ArgumentException>(() => new LlmProviderLimitsRegistry([new("a", new LlmProviderLimits { TokensPerMinute = 0 })], _time));

        Assert.StartsWith("Providers:a:Limits:TokensPerMinute must be positive (was 0).", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddRateLimiting_ProvidersLimitsInConfiguration_AreReadByTheRegistry()
    {
        var config = new TestConfiguration(
            ("Llm:Providers:openai:Type", "OpenAI"),
            ("Llm:Providers:openai:Limits:RequestsPerMinute", "500"),
            ("Llm:Providers:openai:Limits:TokensPerMinute", "200000"),
            ("Llm:Providers:local:Type", "OpenAICompatible"));
        using var sp = new ServiceCollection().AddRateLimiting(config.Llm).BuildServiceProvider();

        var registry = sp.GetRequiredService<LlmProviderLimitsRegistry>();

        Assert.True(registry.TryGetLimits("openai", out var limits));
        Assert.Equal((500, 200000), (limits.RequestsPerMinute, limits.TokensPerMinute));
        Assert.False(registry.TryGetLimits("local", out _));
    }

    [Fact]
    public void AddRateLimiting_InvalidProviderLimit_FailsNamingTheKey()
    {
        var config = new TestConfiguration(("Llm:Providers:openai:Limits:RequestsPerMinute", "-1"));
        using var sp = new ServiceCollection().AddRateLimiting(config.Llm).BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => sp.GetRequiredService<LlmProviderLimitsRegistry>());

        Assert.Equal("Llm:Providers:openai:Limits:RequestsPerMinute must be positive (was -1).", ex.Message);
    }

    [Fact]
    public void AddProviderLimits_InCode_IsReadByTheRegistry()
    {
        using var sp = new ServiceCollection().AddProviderLimits("azure-east", o => o.TokensPerMinute = 1000).BuildServiceProvider();

        Assert.True(sp.GetRequiredService<LlmProviderLimitsRegistry>().TryGetLimits("azure-east", out var limits));
        Assert.Equal(1000, limits.TokensPerMinute);
    }

    [Fact]
    public async Task AddProviderLimits_RegisteredProvider_RegistryAndRequestPathShareOneAccount()
    {
        var services = new ServiceCollection().AddSingleton<TimeProvider>(_time);
        services.AddLlmProviders().AddProvider("a", _ => TestChatClient.Answering("a")).AddProvider("b", _ => TestChatClient.Answering("b"));
        services.AddProviderLimits("a", o => o.RequestsPerMinute = 1);
        services.AddFallbackChatClient("a", "b");
        await using var sp = services.BuildServiceProvider();
        var limits = sp.GetRequiredService<LlmProviderLimitsRegistry>();

        Assert.True(limits.TryAcquire("a", 0, out _));
        var response = await sp.GetRequiredService<IChatClient>().GetResponseAsync("hi", cancellationToken: LlmFallback.Tests.Fallback.FallbackFixture.Ct);

        Assert.Equal("b", response.GetLlmCallInfo()!.Provider);
        Assert.Equal("provider_limit", response.GetLlmCallInfo()!.Attempts[0].Failure!.ErrorCode);
    }

    [Fact]
    public void PublicMembers_NullArguments_Throw()
    {
        Assert.Throws<ArgumentNullException>(() => new LlmProviderLimitsRegistry(null!));
        using var registry = new LlmProviderLimitsRegistry([], _time);
        Assert.Throws<ArgumentNullException>(() => registry.TryGetLimits(null!, out _));
        Assert.Throws<ArgumentNullException>(() => registry.TryAcquire(null!, 1, out _));
        Assert.Throws<ArgumentNullException>(() => registry.AddTokens(null!, 1));
        Assert.Throws<ArgumentNullException>(() => new ServiceCollection().AddProviderLimits("a", null!));
        Assert.Throws<ArgumentException>(() => new ServiceCollection().AddProviderLimits(" ", _ => { }));
    }
}
