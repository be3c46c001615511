using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace LlmFallback.Tests.Caching;

public sealed class LlmCachingServiceCollectionExtensionsTests
{
    [Fact]
    public void AddLlmCaching_RegistersSingletonsAndTheSerializer()
    {
        using var services = new ServiceCollection().AddLlmCaching().BuildServiceProvider();

        var cache = services.GetRequiredService<LlmResponseCache>();

        Assert.Same(cache, services.GetRequiredService<LlmResponseCache>());
        Assert.NotNull(services.GetRequiredService<HybridCache>());
        Assert.Same(CachedChatEntrySerializer.Instance, services.GetRequiredService<IHybridCacheSerializer<CachedChatEntry>>());
        Assert.Same(TimeProvider.System, services.GetRequiredService<TimeProvider>());
    }

    [Fact]
    public void AddLlmCaching_BindsConfiguration()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Llm:Caching:Namespace"] = "faq",
            ["Llm:Caching:Scope"] = "Tenant",
            ["Llm:Caching:DefaultTimeToLive"] = "00:05:00",
            ["Llm:Caching:RouteTimeToLive:fast"] = "00:00:30",
            ["Llm:Caching:Semantic:Enabled"] = "true",
            ["Llm:Caching:Semantic:Guards"] = "Numbers, Negation",
        }).Build();
        using var services = new ServiceCollection().AddLlmCaching(configuration.GetSection("Llm")).BuildServiceProvider();

        var o = services.GetRequiredService<IOptions<LlmCachingOptions>>().Value;

        Assert.Equal("faq", o.Namespace);
        Assert.Equal(LlmCacheScope.Tenant, o.Scope);
        Assert.Equal(TimeSpan.FromMinutes(5), o.DefaultTimeToLive);
        Assert.Equal(TimeSpan.FromSeconds(30), o.RouteTimeToLive["FAST"]);
        Assert.True(o.Semantic.Enabled);
        Assert.Equal(LlmSemanticGuards.Numbers | LlmSemanticGuards.Negation, o.Semantic.Guards);
    }

    [Fact]
    public void AddLlmCaching_InvalidConfiguration_FailsNamingTheKey()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Llm:Caching:Semantic:SimilarityThreshold"] = "1.5",
        }).Build();
        using var services = new ServiceCollection().AddLlmCaching(configuration.GetSection("Llm")).BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<LlmCachingOptions>>().Value);

        Assert.Equal("Llm:Caching:Semantic:SimilarityThreshold must be greater than 0 and at most 1 (was 1.5).", Assert.Single(error.Failures));
    }

    [Fact]
    public void UseCaching_ResolvesTheCacheOptionsAndEmbedder()
    {
        var collection = new ServiceCollection().AddLlmCaching(configure: o => o.Semantic.Enabled = true);
        collection.AddSingleton<IEmbeddingGenerator<string, Embedding<float>>>(new Semantic.FakeEmbeddingGenerator());
        collection.AddChatClient(new CountingClient()).UseCaching();
        using var services = collection.BuildServiceProvider();

        var client = services.GetRequiredService<IChatClient>();

        Assert.NotNull(client.GetService<LlmCachingChatClient>());
        Assert.Same(services.GetRequiredService<LlmResponseCache>(), client.GetService<LlmResponseCache>());
    }

    [Fact]
    public async Task UseCaching_RegisteredSemanticIndex_IsTheOneUsed()
    {
        var embedder = new Semantic.FakeEmbeddingGenerator().Set("How do I reset my password?", 1);
        using var index = new InMemorySemanticCacheIndex();
        var collection = new ServiceCollection().AddLlmCaching(configure: o => o.Semantic.Enabled = true);
        collection.AddSingleton<IEmbeddingGenerator<string, Embedding<float>>>(embedder);
        collection.AddSingleton<ILlmSemanticCacheIndex>(index);
        collection.AddChatClient(new CountingClient()).UseCaching();
        await using var services = collection.BuildServiceProvider();

        await services.GetRequiredService<IChatClient>().GetResponseAsync("How do I reset my password?", cancellationToken: CacheFixture.Ct);

        Assert.Equal(1, index.Count);
    }

    [Fact]
    public void UseCaching_SemanticWithoutEmbedder_FailsNamingTheKey()
    {
        var collection = new ServiceCollection().AddLlmCaching(configure: o => o.Semantic.Enabled = true);
        collection.AddChatClient(new CountingClient()).UseCaching();
        using var services = collection.BuildServiceProvider();

        var error = Assert.Throws<ArgumentException>(() => services.GetRequiredService<IChatClient>());

        Assert.StartsWith("Llm:Caching:Semantic:Enabled is true", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UseCaching_NotRegistered_ExplainsWhatToCall()
    {
        var collection = new ServiceCollection();
        collection.AddChatClient(new CountingClient()).UseCaching();
        using var services = collection.BuildServiceProvider();

        var error = Assert.Throws<InvalidOperationException>(() => services.GetRequiredService<IChatClient>());

        Assert.Contains("AddLlmCaching", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UseCaching_GivenCacheAndOptions_UsesThemWithoutServices()
    {
        using var f = new CacheFixture();
        var upstream = new CountingClient();
        using var client = new ChatClientBuilder(upstream).UseCaching(f.Cache, o => o.Namespace = "code").Build();

        await client.GetResponseAsync("q", new ChatOptions().WithCacheNamespace("code"), CacheFixture.Ct);
        var hit = await client.GetResponseAsync("q", cancellationToken: CacheFixture.Ct);

        Assert.True(hit.GetLlmCallInfo()!.CacheHit);
    }

    [Fact]
    public void Extensions_NullArguments_Throw()
    {
        Assert.Throws<ArgumentNullException>("services", () => LlmCachingServiceCollectionExtensions.AddLlmCaching(null!));
        Assert.Throws<ArgumentNullException>("builder", () => LlmCachingChatClientBuilderExtensions.UseCaching(null!));
    }
}
