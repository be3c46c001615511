using LlmFallback.Samples.Gateway.Hosting;
using Microsoft.Extensions.Configuration;

namespace LlmFallback.Samples.Gateway.Tests.Hosting;

public sealed class OptionalProvidersTests
{
    private static ConfigurationManager Configuration(Dictionary<string, string?> values)
    {
        var configuration = new ConfigurationManager();
        configuration.AddInMemoryCollection(values);
        return configuration;
    }

    [Fact]
    public void Apply_OnlyProvidersWhoseVariableIsSet_JoinChainAndRoutes()
    {
        var configuration = Configuration(new()
        {
            ["Llm:Providers:local:Type"] = "OpenAICompatible",
            ["Llm:Fallback:Chain:0"] = "local",
            ["Llm:Routes:fast:0"] = "local",
            ["Llm:Routes:smart:Aliases:0"] = "best",
            ["KEY_A"] = "set",
            ["Gateway:OptionalProviders:a:WhenSet"] = "KEY_A",
            ["Gateway:OptionalProviders:a:Provider:Type"] = "OpenAI",
            ["Gateway:OptionalProviders:a:Provider:Capabilities:ContextWindow"] = "1000",
            ["Gateway:OptionalProviders:a:Routes:0"] = "fast",
            ["Gateway:OptionalProviders:a:Routes:1"] = "smart",
            ["Gateway:OptionalProviders:b:WhenSet"] = "KEY_B",
            ["Gateway:OptionalProviders:b:Provider:Type"] = "Anthropic",
            ["Gateway:OptionalProviders:b:Routes:0"] = "fast",
        });

        var added = OptionalProviders.Apply(configuration, configuration);

        Assert.Equal([("a", "KEY_A")], added);
        Assert.Equal("OpenAI", configuration["Llm:Providers:a:Type"]);
        Assert.Equal("1000", configuration["Llm:Providers:a:Capabilities:ContextWindow"]);
        Assert.Null(configuration["Llm:Providers:b:Type"]);
        Assert.Equal(["local", "a"], configuration.GetSection("Llm:Fallback:Chain").GetChildren().Select(c => c.Value));
        Assert.Equal(["local", "a"], configuration.GetSection("Llm:Routes:fast").GetChildren().Select(c => c.Value));
        Assert.Equal("a", configuration["Llm:Routes:smart:Deployments:0"]);
    }

    [Fact]
    public void EnsureChain_NoChain_PutsEveryProviderInConfigurationOrder()
    {
        var configuration = Configuration(new() { ["Llm:Providers:b:Type"] = "OpenAI", ["Llm:Providers:a:Type"] = "OpenAI" });

        OptionalProviders.EnsureChain(configuration, configuration);

        Assert.Equal(["a", "b"], configuration.GetSection("Llm:Fallback:Chain").GetChildren().Select(c => c.Value));
    }

    [Fact]
    public void EnsureChain_ChainConfigured_LeavesIt()
    {
        var configuration = Configuration(new() { ["Llm:Providers:a:Type"] = "OpenAI", ["Llm:Providers:b:Type"] = "OpenAI", ["Llm:Fallback:Chain:0"] = "b" });

        OptionalProviders.EnsureChain(configuration, configuration);

        Assert.Equal(["b"], configuration.GetSection("Llm:Fallback:Chain").GetChildren().Select(c => c.Value));
    }
}
