using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace LlmFallback.Tests.Replicas;

public class LlmReplicaPoolsTests
{
    [Fact]
    public void GetHealth_ConfiguredReplicas_ListsThemWithoutUserInfo()
    {
        using var sp = Build(Config());
        var pools = sp.GetRequiredService<LlmReplicaPools>();

        var health = pools.GetHealth("local");

        Assert.Equal(2, health.Count);
        Assert.Equal("http://10.0.0.1:8000/v1", health[0].Endpoint.AbsoluteUri);
        Assert.Equal(2, health[0].Weight);
        Assert.Equal("http://10.0.0.2:8000/v1", health[1].Endpoint.AbsoluteUri);
        Assert.Equal(1, health[1].Weight);
        Assert.All(health, r => Assert.Equal(LlmReplicaState.Healthy, r.State));
        Assert.DoesNotContain("s3cret", health[0].ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void GetHealth_ProviderWithoutReplicas_IsEmpty()
    {
        var config = Config();
        config.Remove("Llm:Providers:local:Replicas:0:Endpoint");
        config.Remove("Llm:Providers:local:Replicas:0:Weight");
        config.Remove("Llm:Providers:local:Replicas:1:Endpoint");
        using var sp = Build(config);

        Assert.Empty(sp.GetRequiredService<LlmReplicaPools>().GetHealth("local"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData(" ")]
    public void GetHealth_NoProviderName_Throws(string? name)
    {
        using var sp = Build(Config());

        Assert.ThrowsAny<ArgumentException>(() => sp.GetRequiredService<LlmReplicaPools>().GetHealth(name!));
    }

    [Fact]
    public void AddLlmHttpClient_TwoProviders_ShareOneSingletonWithOneSlotPerProvider()
    {
        var services = new ServiceCollection();
        services.AddLlmHttpClient("a");
        services.AddLlmHttpClient("b");
        using var sp = services.BuildServiceProvider();

        var pools = sp.GetRequiredService<LlmReplicaPools>();

        Assert.Same(pools, sp.GetRequiredService<LlmReplicaPools>());
        Assert.Same(pools.GetSlot("a"), pools.GetSlot("a"));
        Assert.NotSame(pools.GetSlot("a"), pools.GetSlot("b"));
        Assert.Null(pools.GetSlot("a").Current);
    }

    [Fact]
    public void GetSlot_InvalidReplicasNotValidatedElsewhere_ThrowsNamingTheKey()
    {
        var services = new ServiceCollection();
        services.AddLlmHttpClient("raw");
        services.Configure<LlmProviderOptions>("raw", o => o.Replicas.Add(new LlmReplicaOptions { Endpoint = new("http://10.0.0.1/v1"), Weight = 0 }));
        using var sp = services.BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => sp.GetRequiredService<LlmReplicaPools>().GetSlot("raw"));

        Assert.Contains("Llm:Providers:raw:Replicas:0:Weight must be between 1 and 1000 (was 0).", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Reload_UnrelatedKeyChanged_KeepsThePoolAndWhatItLearned()
    {
        var (sp, root) = BuildReloadable();
        using (sp)
        {
            var pools = sp.GetRequiredService<LlmReplicaPools>();
            var pool = pools.GetSlot("local").Current!;
            pool.OnFailure(new ReplicaPick(pool.Replicas[0], false, false), LlmFailureKind.ServerError);

            root["Llm:Providers:local:Model"] = "other-model";
            root.Reload();

            Assert.Same(pool, pools.GetSlot("local").Current);
            Assert.Equal(LlmReplicaState.Ejected, pools.GetHealth("local")[0].State);
        }
    }

    [Fact]
    public void Reload_ReplicasChanged_RebuildsThePool()
    {
        var (sp, root) = BuildReloadable();
        using (sp)
        {
            var pools = sp.GetRequiredService<LlmReplicaPools>();
            var before = pools.GetSlot("local").Current;

            root["Llm:Providers:local:Replicas:2:Endpoint"] = "http://10.0.0.3:8000/v1";
            root.Reload();

            Assert.NotSame(before, pools.GetSlot("local").Current);
            Assert.Equal(3, pools.GetHealth("local").Count);
        }
    }

    internal static Dictionary<string, string?> Config() => new()
    {
        ["Llm:Providers:local:Type"] = "OpenAICompatible",
        ["Llm:Providers:local:Model"] = "llama",
        ["Llm:Providers:local:Endpoint"] = "http://localhost:8000/v1",
        ["Llm:Providers:local:Balancing"] = "Weighted",
        ["Llm:Providers:local:Replicas:0:Endpoint"] = "http://admin:s3cret@10.0.0.1:8000/v1",
        ["Llm:Providers:local:Replicas:0:Weight"] = "2",
        ["Llm:Providers:local:Replicas:1:Endpoint"] = "http://10.0.0.2:8000/v1",
        ["Llm:Providers:local:ReplicaHealth:ConsecutiveFailures"] = "1",
    };

    private static ServiceProvider Build(Dictionary<string, string?> values)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(new FakeTimeProvider());
        services.AddLlmProviders(configuration.GetSection("Llm"));
        services.AddLlmHttpClient("local");
        return services.BuildServiceProvider();
    }

    private static (ServiceProvider Services, IConfigurationRoot Root) BuildReloadable()
    {
        var root = new ConfigurationBuilder().AddInMemoryCollection(Config()).Build();
        var services = new ServiceCollection();
        services.AddLlmProviders(root.GetSection("Llm"));
        services.AddLlmHttpClient("local");
        return (services.BuildServiceProvider(), root);
    }
}
