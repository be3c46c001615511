using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http;
using Microsoft.Extensions.Options;

namespace LlmFallback.Tests.Replicas;

public class LlmHttpClientDefaultsTests
{
    [Fact]
    public void AddLlmHttpClient_CalledTwice_AddsTheReplicaHandlerOnce()
    {
        var services = new ServiceCollection();
        services.AddLlmProviders();
        services.AddLlmHttpClient("p");
        services.AddLlmHttpClient("p");
        using var sp = services.BuildServiceProvider();

        var options = sp.GetRequiredService<IOptionsMonitor<HttpClientFactoryOptions>>().Get("LlmFallback.p");

        Assert.Single(options.HttpMessageHandlerBuilderActions);
        Assert.Single(options.HttpClientActions);
    }

    [Fact]
    public void CreateClient_LlmClientNeverRegistered_StillGetsTheLlmDefaults()
    {
        var services = new ServiceCollection();
        services.AddLlmProviders();
        using var sp = services.BuildServiceProvider();

        using var client = sp.GetRequiredService<IHttpClientFactory>().CreateClient(LlmHttpClientServiceCollectionExtensions.GetLlmHttpClientName("adhoc"));
        using var other = sp.GetRequiredService<IHttpClientFactory>().CreateClient("someone-else");

        Assert.Equal(Timeout.InfiniteTimeSpan, client.Timeout);
        Assert.Equal(TimeSpan.FromSeconds(100), other.Timeout);
    }
}
