using Microsoft.Extensions.DependencyInjection;

namespace LlmFallback.Tests.Fallback;

public class FallbackChatClientBuilderExtensionsTests
{
    [Fact]
    public void UseFallback_NullArguments_Throw()
    {
        using var inner = new TestChatClient();

        Assert.Throws<ArgumentNullException>("builder", () => ((ChatClientBuilder)null!).UseFallback("a"));
        Assert.Throws<ArgumentNullException>("builder", () => ((ChatClientBuilder)null!).UseFallback((Action<FallbackOptions>?)null, "a"));
        Assert.Throws<ArgumentNullException>("fallbacks", () => new ChatClientBuilder(inner).UseFallback((string[])null!));
        Assert.Throws<ArgumentNullException>("fallbacks", () => new ChatClientBuilder(inner).UseFallback(o => o.MaxAttemptsPerRequest = 2, null!));
    }

    [Fact]
    public void UseFallback_BareNull_IsNoAdjustmentOverTheConfiguredChain()
    {
        using var sp = Build(s => s.AddChatClient(p => p.GetRequiredKeyedService<IChatClient>("a")).UseFallback(null), ("Llm:Fallback:Chain:0", "b"));

        var client = Assert.IsType<FallbackChatClient>(sp.GetRequiredService<IChatClient>());

        Assert.Equal(["a", "b"], client.Providers.Select(p => p.Name));
    }

    [Fact]
    public void UseFallback_Configure_AdjustsThisStageAfterConfiguration()
    {
        using var sp = Build(s => s.AddChatClient(p => p.GetRequiredKeyedService<IChatClient>("a")).UseFallback(o => o.Chain = ["b"]));

        var client = Assert.IsType<FallbackChatClient>(sp.GetRequiredService<IChatClient>());

        Assert.Equal(["a", "b"], client.Providers.Select(p => p.Name));
    }

    [Fact]
    public void UseFallback_ConfigureWithNames_NamesWinOverTheConfiguredChain()
    {
        using var sp = Build(
            s => s.AddChatClient(p => p.GetRequiredKeyedService<IChatClient>("a")).UseFallback(o => o.Chain = ["zz"], "b"),
            ("Llm:Fallback:Chain:0", "a"));

        var client = Assert.IsType<FallbackChatClient>(sp.GetRequiredService<IChatClient>());

        Assert.Equal(["a", "b"], client.Providers.Select(p => p.Name));
    }

    [Fact]
    public void UseFallback_InvalidConfigure_ThrowsNamingTheKey()
    {
        using var sp = Build(s => s.AddChatClient(p => p.GetRequiredKeyedService<IChatClient>("a")).UseFallback(o => o.Streaming.HoldbackCharacters = -1, "b"));

        var ex = Assert.Throws<ArgumentException>(() => sp.GetRequiredService<IChatClient>());

        Assert.StartsWith("Llm:Fallback:Streaming:HoldbackCharacters must be between 0 and 1000000 (was -1).", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UseFallback_KeyedScopedPipeline_OneStagePerScope()
    {
        using var sp = Build(s => s.AddKeyedChatClient("k", p => p.GetRequiredKeyedService<IChatClient>("a"), ServiceLifetime.Scoped).UseFallback(o => o.MaxAttemptsPerRequest = 3, "b"));

        using var first = sp.CreateScope();
        using var second = sp.CreateScope();
        var one = Assert.IsType<FallbackChatClient>(first.ServiceProvider.GetRequiredKeyedService<IChatClient>("k"));

        Assert.Same(one, first.ServiceProvider.GetRequiredKeyedService<IChatClient>("k"));
        Assert.NotSame(one, second.ServiceProvider.GetRequiredKeyedService<IChatClient>("k"));
        Assert.Equal(["a", "b"], one.Providers.Select(p => p.Name));
    }

    [Fact]
    public void UseFallback_RegisteredInnerClient_KeepsThatProvider()
    {
        using var sp = Build(s => s.AddChatClient(p => p.GetRequiredKeyedService<IChatClient>("a")).UseFallback("b", "a"));

        var client = Assert.IsType<FallbackChatClient>(sp.GetRequiredService<IChatClient>());

        Assert.Equal(["a", "b"], client.Providers.Select(p => p.Name));
        Assert.Same(sp.GetRequiredKeyedService<LlmProvider>("a"), client.Providers[0]);
    }

    [Fact]
    public void UseFallback_RegisteredInnerClient_IsNotDisposedByTheStage()
    {
        using var sp = Build(s => s.AddChatClient(p => p.GetRequiredKeyedService<IChatClient>("a")).UseFallback("b"));
        var client = sp.GetRequiredService<IChatClient>();
        var a = (TestChatClient)sp.GetRequiredKeyedService<IChatClient>("a");

        client.Dispose();

        Assert.False(a.Disposed);
    }

    [Fact]
    public async Task UseFallback_AnonymousInnerClient_BecomesPrimaryAndIsDisposedByTheStage()
    {
        var inner = TestChatClient.Answering("from inner");
        using var sp = Build(s => s.AddChatClient(_ => inner).UseFallback("b"));
        var client = Assert.IsType<FallbackChatClient>(sp.GetRequiredService<IChatClient>());

        var response = await client.GetResponseAsync("q", cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(["primary", "b"], client.Providers.Select(p => p.Name));
        Assert.Same(inner, client.Providers[0].Client);
        Assert.Equal("primary", response.GetLlmCallInfo()!.Provider);
        Assert.False(sp.GetRequiredService<LlmProviderRegistry>().TryGetProvider("primary", out _));

        client.Dispose();

        Assert.True(inner.Disposed);
    }

    [Fact]
    public void UseFallback_NoNames_UsesTheConfiguredChain()
    {
        using var sp = Build(
            s => s.AddChatClient(p => p.GetRequiredKeyedService<IChatClient>("b")).UseFallback(),
            ("Llm:Fallback:Chain:0", "a"),
            ("Llm:Fallback:Chain:1", "b"));

        var client = Assert.IsType<FallbackChatClient>(sp.GetRequiredService<IChatClient>());

        Assert.Equal(["b", "a"], client.Providers.Select(p => p.Name));
    }

    [Fact]
    public void UseFallback_UnknownName_ThrowsNamingTheArgument()
    {
        using var sp = Build(s => s.AddChatClient(p => p.GetRequiredKeyedService<IChatClient>("a")).UseFallback("zz"));

        var ex = Assert.Throws<InvalidOperationException>(() => sp.GetRequiredService<IChatClient>());

        Assert.Equal("chain:0 names provider 'zz', which is not registered. Registered providers: a, b.", ex.Message);
    }

    [Fact]
    public void UseFallback_WithoutAddLlmProviders_ThrowsExplaining()
    {
        var services = new ServiceCollection();
        services.AddChatClient(_ => new TestChatClient()).UseFallback("a");
        using var sp = services.BuildServiceProvider();

        var ex = Assert.Throws<InvalidOperationException>(() => sp.GetRequiredService<IChatClient>());

        Assert.Equal("LlmFallback providers are not registered: call services.AddLlmProviders(...) first.", ex.Message);
    }

    private static ServiceProvider Build(Action<IServiceCollection> configure, params (string Key, string? Value)[] values)
    {
        var config = new TestConfiguration([("Llm:Providers:a:Type", "Fake"), ("Llm:Providers:b:Type", "Fake"), .. values]);
        var services = new ServiceCollection();
        services.AddLlmProviders(config.Llm).AddProviderType("Fake", (_, name, _) => TestChatClient.Answering("from " + name));
        configure(services);
        return services.BuildServiceProvider();
    }
}
