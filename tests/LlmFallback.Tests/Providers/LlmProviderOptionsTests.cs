namespace LlmFallback.Tests.Providers;

public class LlmProviderOptionsTests
{
    [Fact]
    public void Constructor_Defaults_AreDocumentedValues()
    {
        var options = new LlmProviderOptions();

        Assert.Null(options.Type);
        Assert.Null(options.Model);
        Assert.Null(options.Endpoint);
        Assert.Null(options.ApiKey);
        Assert.Null(options.Upstream);
        Assert.Empty(options.Replicas);
        Assert.Equal(LlmReplicaBalancing.LeastInFlight, options.Balancing);
        Assert.NotNull(options.ReplicaHealth);
        Assert.NotNull(options.Capabilities);
        Assert.NotNull(options.Pricing);
        Assert.NotNull(options.Resilience);
    }

    [Fact]
    public void ToString_WithKey_NeverShowsTheKey()
    {
        var options = new LlmProviderOptions { Type = "OpenAI", Model = "gpt-4o-mini", ApiKey = "sk-proj-secret", Endpoint = new Uri("https://user:pw@example.com/v1") };

        Assert.Equal("OpenAI gpt-4o-mini", options.ToString());
        Assert.Equal("(custom) (default model)", new LlmProviderOptions { ApiKey = "sk-x" }.ToString());
    }

    [Fact]
    public void Clone_Copy_IsDeep()
    {
        var options = new LlmProviderOptions { Model = "m" };
        options.Replicas.Add(new LlmReplicaOptions { Endpoint = new Uri("http://10.0.0.1/v1") });

        var copy = options.Clone();
        options.Capabilities.ContextWindow = 1;
        options.Pricing.OutputPerMillionTokens = 1;
        options.Resilience.CircuitBreaker.BreakDuration = TimeSpan.FromMinutes(9);
        options.ReplicaHealth.ConsecutiveFailures = 9;
        options.Replicas.Clear();

        Assert.Equal("m", copy.Model);
        Assert.Null(copy.Capabilities.ContextWindow);
        Assert.Null(copy.Pricing.OutputPerMillionTokens);
        Assert.Equal(TimeSpan.FromSeconds(15), copy.Resilience.CircuitBreaker.BreakDuration);
        Assert.Equal(2, copy.ReplicaHealth.ConsecutiveFailures);
        Assert.Single(copy.Replicas);
    }

    [Fact]
    public void Clone_NullSections_GetDefaults()
    {
        var options = new LlmProviderOptions { Capabilities = null!, Pricing = null!, Resilience = null!, Replicas = null!, ReplicaHealth = null! };

        var copy = options.Clone();

        Assert.NotNull(copy.Capabilities);
        Assert.NotNull(copy.Pricing);
        Assert.NotNull(copy.Resilience);
        Assert.NotNull(copy.Replicas);
        Assert.NotNull(copy.ReplicaHealth);
    }
}
