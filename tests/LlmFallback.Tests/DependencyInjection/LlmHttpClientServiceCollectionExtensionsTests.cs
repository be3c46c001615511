using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http;
using Microsoft.Extensions.Options;

namespace LlmFallback.Tests.DependencyInjection;

public class LlmHttpClientServiceCollectionExtensionsTests
{
    [Fact]
    public void GetLlmHttpClientName_Provider_IsPrefixed() =>
        Assert.Equal("LlmFallback.openai", LlmHttpClientServiceCollectionExtensions.GetLlmHttpClientName("openai"));

    [Fact]
    public void GetLlmHttpClientName_NullOrBlank_Throws()
    {
        Assert.Throws<ArgumentNullException>("providerName", () => LlmHttpClientServiceCollectionExtensions.GetLlmHttpClientName(null!));
        Assert.Throws<ArgumentException>("providerName", () => LlmHttpClientServiceCollectionExtensions.GetLlmHttpClientName(" "));
    }

    [Fact]
    public void AddLlmHttpClient_NullArguments_Throw()
    {
        Assert.Throws<ArgumentNullException>("services", () => ((IServiceCollection)null!).AddLlmHttpClient("a"));
        Assert.Throws<ArgumentNullException>("providerName", () => new ServiceCollection().AddLlmHttpClient(null!));
        Assert.Throws<ArgumentException>("providerName", () => new ServiceCollection().AddLlmHttpClient(""));
    }

    [Fact]
    public void AddLlmHttpClient_Provider_NamedClientWithoutTimeout()
    {
        var services = new ServiceCollection();

        var builder = services.AddLlmHttpClient("openai");
        using var sp = services.BuildServiceProvider();
        using var client = sp.GetRequiredService<IHttpClientFactory>().CreateClient("LlmFallback.openai");

        Assert.Equal("LlmFallback.openai", builder.Name);
        Assert.Equal(Timeout.InfiniteTimeSpan, client.Timeout);
    }

    [Fact]
    public void AddLlmHttpClient_Provider_AddsNoRetryHandler()
    {
        var services = new ServiceCollection();
        services.AddLlmHttpClient("openai");
        using var sp = services.BuildServiceProvider();

        Assert.Equal(["ReplicaPoolHandler"], Handlers(sp, "LlmFallback.openai"));
    }

    private static List<string> Handlers(IServiceProvider sp, string name)
    {
        var options = sp.GetRequiredService<IOptionsMonitor<HttpClientFactoryOptions>>().Get(name);
        var builder = new TestHandlerBuilder(sp);
        foreach (var action in options.HttpMessageHandlerBuilderActions)
        {
            action(builder);
        }

        return [.. builder.AdditionalHandlers.Select(h => h.GetType().Name)];
    }

    [Fact]
    public void AddLlmHttpClient_CalledTwice_AppliesTheSettingsOnce()
    {
        var services = new ServiceCollection();
        services.AddLlmHttpClient("openai");
        services.AddLlmHttpClient("openai");
        using var sp = services.BuildServiceProvider();

        Assert.Equal(["ReplicaPoolHandler"], Handlers(sp, "LlmFallback.openai"));
    }

    [Fact]
    public void AddLlmProviders_ClientAnAdapterCreatesWithoutRegistering_GetsTheSettings()
    {
        var services = new ServiceCollection();
        services.AddLlmProviders();
        using var sp = services.BuildServiceProvider();

        using var client = sp.GetRequiredService<IHttpClientFactory>().CreateClient(LlmHttpClientServiceCollectionExtensions.GetLlmHttpClientName("local"));

        Assert.Equal(Timeout.InfiniteTimeSpan, client.Timeout);
        Assert.Equal(["ReplicaPoolHandler"], Handlers(sp, "LlmFallback.local"));
    }

    [Fact]
    public void AddLlmHttpClient_OtherClients_KeepTheirTimeout()
    {
        var services = new ServiceCollection();
        services.AddLlmHttpClient("openai");
        services.AddHttpClient("other");
        using var sp = services.BuildServiceProvider();

        using var other = sp.GetRequiredService<IHttpClientFactory>().CreateClient("other");

        Assert.Equal(TimeSpan.FromSeconds(100), other.Timeout);
    }

    private sealed class TestHandlerBuilder(IServiceProvider services) : HttpMessageHandlerBuilder
    {
        public override string? Name { get; set; }

        public override HttpMessageHandler PrimaryHandler { get; set; } = new HttpClientHandler();

        public override IList<DelegatingHandler> AdditionalHandlers { get; } = [];

        public override IServiceProvider Services => services;

        public override HttpMessageHandler Build() => CreateHandlerPipeline(PrimaryHandler, AdditionalHandlers);
    }
}
