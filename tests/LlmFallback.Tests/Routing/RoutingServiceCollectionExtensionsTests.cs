using LlmFallback.Tests.Fallback;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace LlmFallback.Tests.Routing;

public sealed class RoutingServiceCollectionExtensionsTests
{
    private static readonly (string, string?)[] Config =
    [
        ("Llm:Providers:local:Model", "llama-3.1-8b"),
        ("Llm:Providers:openai:Model", "gpt-4o-mini"),
        ("Llm:Providers:openai:Limits:RequestsPerMinute", "100"),
        ("Llm:Providers:openai:Limits:TokensPerMinute", "200000"),
        ("Llm:Providers:anthropic:Model", "claude-sonnet-4-5"),
        ("Llm:Routes:fast:0", "local"),
        ("Llm:Routes:fast:1", "openai"),
        ("Llm:Routes:smart:Deployments:0", "anthropic"),
        ("Llm:Routes:smart:Deployments:1:Provider", "openai"),
        ("Llm:Routes:smart:Deployments:1:Weight", "3"),
        ("Llm:Routes:smart:Deployments:1:Priority", "1"),
        ("Llm:Routes:smart:Strategy", "weightedrandom"),
        ("Llm:Routes:smart:Aliases:0", "premium"),
        ("Llm:Routes:smart:Description", "hard questions"),
        ("Llm:Routes:smart:Examples:0", "prove this theorem"),
        ("Llm:Routes:smart:ContextWindowFallbacks:0", "fast"),
        ("Llm:Routing:DefaultRoute", "fast"),
        ("Llm:Routing:Rules:0:Name", "gold"),
        ("Llm:Routing:Rules:0:Route", "smart"),
        ("Llm:Routing:Rules:0:HasTools", "true"),
        ("Llm:Routing:Rules:0:Metadata:tier", "gold"),
        ("Llm:Routing:Rules:0:Keywords:0", "urgent"),
        ("Llm:Routing:Rules:0:MaxPromptTokens", "5000"),
        ("Llm:Routing:Complexity:SimpleRoute", "fast"),
        ("Llm:Routing:Complexity:ComplexRoute", "smart"),
        ("Llm:Routing:Complexity:Threshold", "0.7"),
        ("Llm:Routing:ModelGroupStrategy", "RoundRobin"),
        ("Llm:Routing:DefaultOutputTokens", "2048"),
        ("Llm:Fallback:Hedging:Enabled", "true"),
        ("Llm:Fallback:Hedging:DelayMode", "Auto"),
        ("Llm:Fallback:Streaming:FirstTokenTimeoutMode", "Auto"),
        ("Llm:Fallback:Streaming:AutoFirstTokenTimeout:Multiplier", "4"),
    ];

    private static ServiceProvider Services(params (string, string?)[] extra)
    {
        var config = new TestConfiguration([.. Config, .. extra]);
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(new Microsoft.Extensions.Time.Testing.FakeTimeProvider());
        var providers = services.AddLlmProviders(config.Llm);
        foreach (var name in new[] { "local", "openai", "anthropic" })
        {
            providers.AddProvider(name, _ => TestChatClient.Answering(name));
        }

        services.AddLlmRouting(config.Llm);
        services.AddChatClient(sp => sp.GetRequiredKeyedService<IChatClient>("local")).UseRouting().UseFallback("openai");
        return services.BuildServiceProvider();
    }

    [Fact]
    public void AddLlmRouting_Configuration_BindsRoutesInBothShapesRulesLimitsAndClassifierSettings()
    {
        using var sp = Services();

        var options = sp.GetRequiredService<IOptions<RoutingOptions>>().Value;

        Assert.Equal(["local", "openai"], options.Routes["fast"].Deployments.Select(d => d.Provider));
        var smart = options.Routes["SMART"];
        Assert.Equal([("anthropic", 1, 0), ("openai", 3, 1)], smart.Deployments.Select(d => (d.Provider, d.Weight, d.Priority)));
        Assert.Equal(LlmRoutingStrategy.WeightedRandom, smart.Strategy);
        Assert.Equal(["premium"], smart.Aliases);
        Assert.Equal(["prove this theorem"], smart.Examples);
        Assert.Equal(["fast"], smart.ContextWindowFallbacks);
        Assert.Equal("hard questions", smart.Description);
        Assert.Equal("fast", options.DefaultRoute);
        var rule = Assert.Single(options.Rules);
        Assert.Equal(("gold", "smart", true, "gold", "urgent", 5000), (rule.Name, rule.Route, rule.HasTools, rule.Metadata["tier"], rule.Keywords[0], rule.MaxPromptTokens));
        Assert.Equal(("fast", "smart", 0.7), (options.Complexity.SimpleRoute, options.Complexity.ComplexRoute, options.Complexity.Threshold));
        Assert.Equal((LlmRoutingStrategy.RoundRobin, 2048), (options.ModelGroupStrategy, options.DefaultOutputTokens));
        var limits = sp.GetRequiredService<IOptionsMonitor<LlmProviderOptions>>().Get("openai").Limits;
        Assert.Equal((100, 200000), (limits.RequestsPerMinute, limits.TokensPerMinute));
        var fallback = sp.GetRequiredService<IOptions<FallbackOptions>>().Value;
        Assert.Equal((true, LlmTimingMode.Auto, LlmTimingMode.Auto, 4.0), (fallback.Hedging.Enabled, fallback.Hedging.DelayMode, fallback.Streaming.FirstTokenTimeoutMode, fallback.Streaming.AutoFirstTokenTimeout.Multiplier));
    }

    [Fact]
    public async Task UseRouting_Pipeline_RoutesByModelIdAndDefaultsToTheDefaultRoute()
    {
        using var sp = Services();
        var chat = sp.GetRequiredService<IChatClient>();

        var premium = await chat.GetResponseAsync("Hi", new ChatOptions { ModelId = "premium" }, TestContext.Current.CancellationToken);
        var plain = await chat.GetResponseAsync("Hi", null, TestContext.Current.CancellationToken);

        Assert.Equal(("anthropic", "smart"), (premium.Text, premium.GetLlmCallInfo()!.Route!.Route));
        Assert.Equal(("local", LlmRouteReason.Classifier), (plain.Text, plain.GetLlmCallInfo()!.Route!.Reason));
        Assert.Same(chat, sp.GetRequiredService<IChatClient>());
        Assert.NotNull(chat.GetService<LlmRoutingChatClient>());
    }

    [Fact]
    public async Task StartAsync_RouteNamesUnknownProvider_FailsAtStartNamingTheKey()
    {
        var config = new TestConfiguration([.. Config, ("Llm:Routes:fast:2", "ghost")]);
        var builder = Host.CreateApplicationBuilder();
        var providers = builder.Services.AddLlmProviders(config.Llm);
        foreach (var name in new[] { "local", "openai", "anthropic" })
        {
            providers.AddProvider(name, _ => TestChatClient.Answering(name));
        }

        builder.Services.AddLlmRouting(config.Llm);
        using var host = builder.Build();

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(TestContext.Current.CancellationToken));

        Assert.Equal(["Llm:Routes:fast:Deployments:2 names provider 'ghost', which is not registered. Registered providers: anthropic, local, openai."], ex.Failures);
    }

    [Fact]
    public void AddLlmRouting_UnknownStrategyText_ExceptionNamingTheKey()
    {
        using var sp = Services(("Llm:Routes:fast:Strategy", "Fastest"));

        var ex = Assert.Throws<InvalidOperationException>(() => sp.GetRequiredService<IOptions<RoutingOptions>>().Value);

        Assert.StartsWith("Llm:Routes:fast:Strategy has an unknown value 'Fastest'; expected one of: Ordered, WeightedRandom,", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddLlmRouting_CodeFirst_RoutesWithoutConfiguration()
    {
        var services = new ServiceCollection();
        services.AddLlmProviders().AddProvider("a", _ => TestChatClient.Answering("a")).AddProvider("b", _ => TestChatClient.Answering("b"));
        services.AddLlmRouting(o => o.Routes["only-b"] = RoutingFixture.Route(LlmRoutingStrategy.Ordered, "b"));
        services.AddChatClient(sp => sp.GetRequiredKeyedService<IChatClient>("a")).UseRouting().UseFallback();
        using var sp = services.BuildServiceProvider();

        var response = await sp.GetRequiredService<IChatClient>().GetResponseAsync("Hi", new ChatOptions { ModelId = "only-b" }, TestContext.Current.CancellationToken);

        Assert.Equal("b", response.Text);
    }

    [Fact]
    public void UseRouting_WithoutProviders_ExplainsWhatToRegister()
    {
        var services = new ServiceCollection();
        services.AddChatClient(new TestChatClient()).UseRouting();
        using var sp = services.BuildServiceProvider();

        var ex = Assert.Throws<InvalidOperationException>(() => sp.GetRequiredService<IChatClient>());

        Assert.Contains("AddLlmProviders", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Extensions_NullArguments_Throw()
    {
        var services = new ServiceCollection();

        Assert.Throws<ArgumentNullException>("services", () => ((IServiceCollection)null!).AddLlmRouting(new TestConfiguration().Llm));
        Assert.Throws<ArgumentNullException>("configuration", () => services.AddLlmRouting((Microsoft.Extensions.Configuration.IConfiguration)null!));
        Assert.Throws<ArgumentNullException>("configure", () => services.AddLlmRouting((Action<RoutingOptions>)null!));
        Assert.Throws<ArgumentNullException>("builder", () => ((ChatClientBuilder)null!).UseRouting());
        Assert.Throws<ArgumentNullException>("services", () => ((IServiceCollection)null!).AddEmbeddingRouteClassifier());
        Assert.Throws<ArgumentException>("provider", () => services.AddLlmJudgeRouteClassifier(" "));
        Assert.Throws<ArgumentNullException>("options", () => ((ChatOptions)null!).WithRoute("x"));
        Assert.Throws<ArgumentException>("route", () => new ChatOptions().WithRoute(" "));
        Assert.Null(((ChatOptions?)null).GetRoute());
    }
}
