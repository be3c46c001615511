using Microsoft.Extensions.DependencyInjection;

namespace LlmFallback.Tests.Providers;

public class LlmProviderRegistryTests
{
    [Fact]
    public void GetProvider_CaseInsensitive_ReturnsTheProvider()
    {
        using var sp = Build("OpenAI", "local");
        var registry = sp.GetRequiredService<LlmProviderRegistry>();

        Assert.Same(registry.Providers[0], registry.GetProvider("openai"));
        Assert.True(registry.TryGetProvider("LOCAL", out var local));
        Assert.Same(registry.Providers[1], local);
    }

    [Fact]
    public void GetProvider_Unknown_ThrowsListingTheRegisteredNames()
    {
        using var sp = Build("a", "b");
        var registry = sp.GetRequiredService<LlmProviderRegistry>();

        var ex = Assert.Throws<ArgumentException>("name", () => registry.GetProvider("c"));

        Assert.StartsWith("No LLM provider is named 'c'. Registered providers: a, b.", ex.Message, StringComparison.Ordinal);
        Assert.False(registry.TryGetProvider("c", out var none));
        Assert.Null(none);
    }

    [Fact]
    public void GetProvider_NoneRegistered_SaysSo()
    {
        using var sp = Build();

        var ex = Assert.Throws<ArgumentException>(() => sp.GetRequiredService<LlmProviderRegistry>().GetProvider("a"));

        Assert.StartsWith("No LLM provider is named 'a'. Registered providers: (none).", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GetProvider_Null_Throws()
    {
        using var sp = Build("a");
        var registry = sp.GetRequiredService<LlmProviderRegistry>();

        Assert.Throws<ArgumentNullException>("name", () => registry.GetProvider(null!));
        Assert.Throws<ArgumentNullException>("name", () => registry.TryGetProvider(null!, out _));
    }

    [Fact]
    public void Providers_SameUpstream_ShareOneCooldown()
    {
        var services = new ServiceCollection();
        services.AddLlmProviders()
            .AddProvider("east", _ => new TestChatClient(), o => o.Upstream = "azure")
            .AddProvider("west", _ => new TestChatClient(), o => o.Upstream = "AZURE")
            .AddProvider("other", _ => new TestChatClient());
        using var sp = services.BuildServiceProvider();
        var registry = sp.GetRequiredService<LlmProviderRegistry>();

        registry.GetProvider("east").Upstream.CoolDownUntil(long.MaxValue);

        Assert.True(registry.GetProvider("west").GetHealth().IsCoolingDown);
        Assert.False(registry.GetProvider("other").GetHealth().IsCoolingDown);
        Assert.Same(registry.GetProvider("east").Upstream, registry.GetProvider("west").Upstream);
    }

    [Fact]
    public void Dispose_Twice_DisposesEachClientOnce()
    {
        var client = new CountingClient();
        var services = new ServiceCollection();
        services.AddLlmProviders().AddProvider("a", _ => client);
        using var sp = services.BuildServiceProvider();
        var registry = sp.GetRequiredService<LlmProviderRegistry>();

        registry.Dispose();
        registry.Dispose();

        Assert.Equal(1, client.Disposals);
    }

    [Fact]
    public void Constructor_LaterFactoryThrows_DisposesTheClientsAlreadyCreated()
    {
        var first = new TestChatClient();
        var second = new TestChatClient();
        var services = new ServiceCollection();
        services.AddLlmProviders()
            .AddProvider("a", _ => first)
            .AddProvider("b", _ => second)
            .AddProvider("c", _ => throw new InvalidOperationException("no key for c"));
        using var sp = services.BuildServiceProvider();

        var ex = Assert.Throws<InvalidOperationException>(() => sp.GetRequiredService<LlmProviderRegistry>());

        Assert.Equal("no key for c", ex.Message);
        Assert.True(first.Disposed);
        Assert.True(second.Disposed);
    }

    [Fact]
    public void Constructor_LaterProviderInvalid_DisposesTheClientsAlreadyCreated()
    {
        var first = new TestChatClient();
        var services = new ServiceCollection();
        services.AddLlmProviders()
            .AddProvider("a", _ => first)
            .AddProvider("b", _ => null!);
        using var sp = services.BuildServiceProvider();

        Assert.Throws<InvalidOperationException>(() => sp.GetRequiredService<LlmProviderRegistry>());

        Assert.True(first.Disposed);
    }

    private static ServiceProvider Build(params string[] names)
    {
        var services = new ServiceCollection();
        var builder = services.AddLlmProviders();
        foreach (var name in names)
        {
            builder.AddProvider(name, _ => new TestChatClient());
        }

        return services.BuildServiceProvider();
    }

    private sealed class CountingClient : DelegatingChatClient
    {
        public CountingClient()
            : base(new TestChatClient())
        {
        }

        public int Disposals { get; private set; }

        protected override void Dispose(bool disposing)
        {
            Disposals++;
            base.Dispose(disposing);
        }
    }
}
