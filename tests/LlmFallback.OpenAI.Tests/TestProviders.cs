using LlmFallback.Conformance;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace LlmFallback.OpenAI.Tests;

/// <summary>Builds providers through the real DI registration, as applications do.</summary>
internal static class TestProviders
{
    public static readonly ChatMessage[] Conversation = [new(ChatRole.System, "You are terse."), new(ChatRole.User, "Say hi")];

    public static ServiceProvider Build(Action<LlmProvidersBuilder> configure, Dictionary<string, string?>? configuration = null, TimeProvider? time = null, Action<IServiceCollection>? services = null)
    {
        var collection = new ServiceCollection();
        if (time is not null)
        {
            collection.AddSingleton(time);
        }

        var builder = configuration is null
            ? collection.AddLlmProviders()
            : collection.AddLlmProviders(new ConfigurationBuilder().AddInMemoryCollection(configuration).Build().GetSection("Llm"));
        configure(builder);
        services?.Invoke(collection);
        return collection.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    public static Uri V1(this LoopbackProviderServer server) => new(server.BaseAddress, "v1");

}
