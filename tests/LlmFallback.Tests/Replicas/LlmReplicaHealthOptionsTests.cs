using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace LlmFallback.Tests.Replicas;

public class LlmReplicaHealthOptionsTests
{
    private const string Prefix = "Llm:Providers:local";

    [Fact]
    public void Constructor_Defaults_AreDocumentedValues()
    {
        var options = new LlmReplicaHealthOptions();

        Assert.Equal(2, options.ConsecutiveFailures);
        Assert.Equal(TimeSpan.FromSeconds(10), options.BaseEjectionTime);
        Assert.Equal(TimeSpan.FromMinutes(3), options.MaxEjectionTime);
        Assert.NotNull(new LlmProviderOptions().ReplicaHealth);
        Assert.Equal(LlmReplicaBalancing.LeastInFlight, new LlmProviderOptions().Balancing);
        Assert.Equal(1, new LlmReplicaOptions().Weight);
    }

    [Fact]
    public void Validate_OutOfRange_NamesEachKey()
    {
        var options = WithReplicas("http://10.0.0.1:8000/v1");
        options.ReplicaHealth.ConsecutiveFailures = 0;
        options.ReplicaHealth.BaseEjectionTime = TimeSpan.FromMinutes(2);
        options.ReplicaHealth.MaxEjectionTime = TimeSpan.FromMinutes(1);

        Assert.Equal(
            [
                $"{Prefix}:ReplicaHealth:ConsecutiveFailures must be between 1 and 1000 (was 0).",
                $"{Prefix}:ReplicaHealth:MaxEjectionTime must not be less than {Prefix}:ReplicaHealth:BaseEjectionTime.",
            ],
            Validate(options));
    }

    [Fact]
    public void Validate_NullReplicaHealth_NamesTheKey()
    {
        var options = WithReplicas("http://10.0.0.1:8000/v1");
        options.ReplicaHealth = null!;

        Assert.Equal([$"{Prefix}:ReplicaHealth must not be null."], Validate(options));
    }

    [Fact]
    public void Validate_BadReplicas_NamesEachReplicaKey()
    {
        var options = WithReplicas("http://10.0.0.1:8000/v1", "http://10.0.0.1:8000/v1/", "http://10.0.0.2:8000/v1?x=1", "ftp://10.0.0.3/v1");
        options.Replicas[0].Weight = 0;
        options.Replicas.Add(new LlmReplicaOptions());

        Assert.Equal(
            [
                $"{Prefix}:Replicas:0:Weight must be between 1 and 1000 (was 0).",
                $"{Prefix}:Replicas:1:Endpoint repeats {Prefix}:Replicas:0:Endpoint; give the replica a larger Weight instead.",
                $"{Prefix}:Replicas:2:Endpoint must be a base address without a query or fragment.",
                $"{Prefix}:Replicas:3:Endpoint must be an absolute http or https address.",
                $"{Prefix}:Replicas:4:Endpoint must be an absolute http or https address.",
            ],
            Validate(options));
    }

    [Fact]
    public void Validate_FromConfiguration_FailsAtStartNamingTheKey()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            [$"{Prefix}:Type"] = "OpenAICompatible",
            [$"{Prefix}:Replicas:0:Endpoint"] = "http://10.0.0.1:8000/v1",
            [$"{Prefix}:Replicas:0:Weight"] = "-3",
            [$"{Prefix}:Balancing"] = "Weighted",
            [$"{Prefix}:ReplicaHealth:BaseEjectionTime"] = "00:00:00",
        }).Build();
        var services = new ServiceCollection();
        services.AddLlmProviders(configuration.GetSection("Llm"));
        using var sp = services.BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => sp.GetRequiredService<IOptionsMonitor<LlmProviderOptions>>().Get("local"));

        Assert.Contains($"{Prefix}:Replicas:0:Weight must be between 1 and 1000 (was -3).", ex.Failures);
        Assert.Contains($"{Prefix}:ReplicaHealth:BaseEjectionTime must be between 00:00:00.0010000 and 01:00:00 (was 00:00:00).", ex.Failures);
    }

    [Fact]
    public void Bind_FromConfiguration_ReadsReplicasBalancingAndHealth()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(LlmReplicaPoolsTests.Config()).Build();
        var services = new ServiceCollection();
        services.AddLlmProviders(configuration.GetSection("Llm"));
        using var sp = services.BuildServiceProvider();

        var options = sp.GetRequiredService<IOptionsMonitor<LlmProviderOptions>>().Get("local");

        Assert.Equal(LlmReplicaBalancing.Weighted, options.Balancing);
        Assert.Equal(2, options.Replicas.Count);
        Assert.Equal(new Uri("http://10.0.0.2:8000/v1"), options.Replicas[1].Endpoint);
        Assert.Equal(2, options.Replicas[0].Weight);
        Assert.Equal(1, options.Replicas[1].Weight);
        Assert.Equal(1, options.ReplicaHealth.ConsecutiveFailures);
    }

    private static LlmProviderOptions WithReplicas(params string[] endpoints)
    {
        var options = new LlmProviderOptions();
        foreach (var e in endpoints)
        {
            options.Replicas.Add(new LlmReplicaOptions { Endpoint = new(e) });
        }

        return options;
    }

    private static List<string> Validate(LlmProviderOptions options)
    {
        var errors = new List<string>();
        LlmOptionsValidation.ValidateProvider(options, Prefix, errors);
        return errors;
    }
}
