using LlmFallback.Conformance;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace LlmFallback.Anthropic.Tests;

/// <summary>Builds providers the way users do: through AddLlmProviders and the Anthropic registration.</summary>
internal static class AnthropicTestServices
{
    public const string ApiKey = "test-key";

    public static ServiceProvider Build(
        Uri endpoint,
        TimeProvider? time = null,
        string name = "claude",
        string model = AnthropicLoopbackServer.Model,
        Action<LlmProviderOptions>? configure = null,
        Action<AnthropicProviderOptions>? configureAnthropic = null,
        Action<IServiceCollection>? services = null)
    {
        var collection = new ServiceCollection();
        collection.AddSingleton(time ?? new FakeTimeProvider(DateTimeOffset.Parse("2026-11-03T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture)));
        collection.AddLlmProviders().AddAnthropicProvider(
            name,
            o =>
            {
                o.Endpoint = endpoint;
                o.Model = model;
                o.ApiKey = ApiKey;
                o.Resilience.MaxRetries = 0;
                configure?.Invoke(o);
            },
            configureAnthropic);
        services?.Invoke(collection);
        return collection.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    public static ServiceProvider FromConfiguration(IDictionary<string, string?> values, Action<IServiceCollection>? services = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var collection = new ServiceCollection();
        collection.AddLlmProviders(configuration.GetSection("Llm")).AddAnthropic();
        services?.Invoke(collection);
        return collection.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    public static async Task<AnthropicLoopbackServer> StartServerAsync()
    {
        var server = new AnthropicLoopbackServer();
        await server.StartAsync(TestContext.Current.CancellationToken);
        return server;
    }
}
