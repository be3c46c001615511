using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using NSubstitute;

namespace LlmFallback.Tests.DependencyInjection;

public class LlmFallbackServiceCollectionExtensionsTests
{
    [Fact]
    public void AddLlmProviders_NullArguments_Throw()
    {
        var services = new ServiceCollection();

        Assert.Throws<ArgumentNullException>("services", () => ((IServiceCollection)null!).AddLlmProviders(new TestConfiguration().Llm));
        Assert.Throws<ArgumentNullException>("configuration", () => services.AddLlmProviders(null!));
        Assert.Throws<ArgumentNullException>("services", () => ((IServiceCollection)null!).AddLlmProviders());
    }

    [Fact]
    public void AddFallbackChatClient_NullArguments_Throw()
    {
        var services = new ServiceCollection();

        Assert.Throws<ArgumentNullException>("services", () => ((IServiceCollection)null!).AddFallbackChatClient("a"));
        Assert.Throws<ArgumentNullException>("services", () => ((IServiceCollection)null!).AddFallbackChatClient((Action<FallbackOptions>?)null));
        Assert.Throws<ArgumentNullException>("chain", () => services.AddFallbackChatClient((string[])null!));
        Assert.Throws<ArgumentNullException>("chain", () => services.AddFallbackChatClient(o => o.MaxAttemptsPerRequest = 2, null!));
        Assert.Empty(services);
    }

    [Fact]
    public void AddFallbackChatClient_BareNull_IsNoAdjustmentOverTheConfiguredChain()
    {
        using var sp = Build(
            new TestConfiguration(("Llm:Providers:a:Type", "Fake"), ("Llm:Providers:b:Type", "Fake"), ("Llm:Fallback:Chain:0", "b")),
            s =>
            {
                s.AddFallbackChatClient(null);
                s.AddKeyedFallbackChatClient("k", null);
                s.AddKeyedFallbackChatClient("named", null, "a");
            });

        Assert.Equal(["b"], Assert.IsType<FallbackChatClient>(sp.GetRequiredService<IChatClient>()).Providers.Select(p => p.Name));
        Assert.Equal(["b"], Assert.IsType<FallbackChatClient>(sp.GetRequiredKeyedService<IChatClient>("k")).Providers.Select(p => p.Name));
        Assert.Equal(["a"], Assert.IsType<FallbackChatClient>(sp.GetRequiredKeyedService<IChatClient>("named")).Providers.Select(p => p.Name));
    }

    [Fact]
    public void AddKeyedFallbackChatClient_NullArguments_Throw()
    {
        var services = new ServiceCollection();

        Assert.Throws<ArgumentNullException>("services", () => ((IServiceCollection)null!).AddKeyedFallbackChatClient("k", "a"));
        Assert.Throws<ArgumentNullException>("services", () => ((IServiceCollection)null!).AddKeyedFallbackChatClient("k", (Action<FallbackOptions>?)null));
        Assert.Throws<ArgumentNullException>("chain", () => services.AddKeyedFallbackChatClient("k", (string[])null!));
        Assert.Throws<ArgumentNullException>("chain", () => services.AddKeyedFallbackChatClient("k", o => o.MaxAttemptsPerRequest = 2, null!));
        Assert.Empty(services);
    }

    [Fact]
    public void AddFallbackChatClient_ConfigureAndChain_AppliesBoth()
    {
        using var sp = Build(
            new TestConfiguration(("Llm:Providers:a:Type", "Fake"), ("Llm:Providers:b:Type", "Fake"), ("Llm:Fallback:Chain:0", "a")),
            s => s.AddFallbackChatClient(o => o.MaxAttemptsPerRequest = 0, "b", "a"));

        var ex = Assert.Throws<ArgumentException>(() => sp.GetRequiredService<IChatClient>());

        Assert.StartsWith("Llm:Fallback:MaxAttemptsPerRequest must be between 1 and 100 (was 0).", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddFallbackChatClient_Configure_AdjustsThisClientOnlyAndNotTheSharedOptions()
    {
        using var sp = Build(
            new TestConfiguration(("Llm:Providers:a:Type", "Fake"), ("Llm:Providers:b:Type", "Fake"), ("Llm:Fallback:Chain:0", "a")),
            s => s.AddFallbackChatClient(o => o.Chain = ["b", "a"]));

        var client = Assert.IsType<FallbackChatClient>(sp.GetRequiredService<IChatClient>());

        Assert.Equal(["b", "a"], client.Providers.Select(p => p.Name));
        Assert.Equal(["a"], sp.GetRequiredService<IOptionsMonitor<FallbackOptions>>().CurrentValue.Chain);
    }

    [Fact]
    public void AddFallbackChatClient_Configure_RunsAgainOnEveryReload()
    {
        var config = new TestConfiguration(("Llm:Providers:a:Type", "Fake"), ("Llm:Providers:b:Type", "Fake"), ("Llm:Fallback:Chain:0", "a"));
        using var sp = Build(config, s => s.AddFallbackChatClient(o => o.Chain.Insert(0, "b")));
        var client = Assert.IsType<FallbackChatClient>(sp.GetRequiredService<IChatClient>());
        Assert.Equal(["b", "a"], client.Providers.Select(p => p.Name));

        config.Set(("Llm:Fallback:Chain:0", "a"), ("Llm:Fallback:MaxAttemptsPerRequest", "3"));

        Assert.Equal(["b", "a"], client.Providers.Select(p => p.Name));
    }

    [Fact]
    public void AddKeyedFallbackChatClient_Keys_ResolveSeparateSingletonClientsWithTheirOwnSettings()
    {
        using var sp = Build(
            new TestConfiguration(("Llm:Providers:a:Type", "Fake"), ("Llm:Providers:b:Type", "Fake"), ("Llm:Fallback:Chain:0", "a")),
            s =>
            {
                s.AddFallbackChatClient();
                s.AddKeyedFallbackChatClient("fast", "b", "a");
                s.AddKeyedFallbackChatClient("smart", o => o.Chain = ["b"]);
            });

        var plain = Assert.IsType<FallbackChatClient>(sp.GetRequiredService<IChatClient>());
        var fast = Assert.IsType<FallbackChatClient>(sp.GetRequiredKeyedService<IChatClient>("fast"));
        var smart = Assert.IsType<FallbackChatClient>(sp.GetRequiredKeyedService<IChatClient>("smart"));

        Assert.Equal(["a"], plain.Providers.Select(p => p.Name));
        Assert.Equal(["b", "a"], fast.Providers.Select(p => p.Name));
        Assert.Equal(["b"], smart.Providers.Select(p => p.Name));
        Assert.Same(fast, sp.GetRequiredKeyedService<IChatClient>("fast"));
        using var scope = sp.CreateScope();
        Assert.Same(fast, scope.ServiceProvider.GetRequiredKeyedService<IChatClient>("fast"));
        Assert.Same(fast.Providers[0], smart.Providers[0]);
    }

    [Fact]
    public void AddKeyedFallbackChatClient_OuterStages_AreAddedOnTheReturnedBuilder()
    {
        using var sp = Build(
            new TestConfiguration(("Llm:Providers:a:Type", "Fake")),
            s => s.AddKeyedFallbackChatClient("k", "a").Use(inner => new MarkerChatClient(inner)));

        var client = Assert.IsType<MarkerChatClient>(sp.GetRequiredKeyedService<IChatClient>("k"));

        Assert.IsType<FallbackChatClient>(client.InnerClient);
    }

    [Fact]
    public void AddLlmProviders_Configuration_BindsEveryProviderAsKeyedSingletons()
    {
        var config = new TestConfiguration(
            ("Llm:Providers:openai:Type", "Fake"),
            ("Llm:Providers:openai:Model", "gpt-4o-mini"),
            ("Llm:Providers:openai:Capabilities:ContextWindow", "128000"),
            ("Llm:Providers:openai:Pricing:InputPerMillionTokens", "0.15"),
            ("Llm:Providers:openai:Resilience:MaxRetries", "1"),
            ("Llm:Providers:openai:Resilience:CircuitBreaker:BreakDuration", "00:00:20"),
            ("Llm:Providers:local:Type", "fake"),
            ("Llm:Providers:local:Endpoint", "http://localhost:8000/v1"),
            ("Llm:Providers:local:Capabilities:PrefillContinuation", "true"));
        var services = new ServiceCollection();
        var builder = services.AddLlmProviders(config.Llm).AddProviderType("Fake", (_, name, o) => new TestChatClient());
        using var sp = services.BuildServiceProvider();

        var openai = sp.GetRequiredKeyedService<LlmProvider>("openai");
        var client = sp.GetRequiredKeyedService<IChatClient>("openai");

        Assert.Equal("Llm", builder.ConfigurationPath);
        Assert.Same(config.Llm.Path, builder.ConfigurationPath);
        Assert.Same(openai.Client, client);
        Assert.Same(openai, sp.GetRequiredKeyedService<LlmProvider>("openai"));
        Assert.Same(client, sp.GetRequiredKeyedService<IChatClient>("openai"));
        Assert.Same(openai, sp.GetRequiredService<LlmProviderRegistry>().GetProvider("OPENAI"));
        Assert.Equal("gpt-4o-mini", openai.Model);
        Assert.Equal("Fake", openai.Type);
        Assert.Equal(128_000, openai.Capabilities.ContextWindow);
        Assert.Equal(0.15m, openai.Pricing.InputPerMillionTokens);
        Assert.Equal(1, openai.Policy.MaxRetries);
        Assert.Equal(TimeSpan.FromSeconds(20), openai.Policy.CircuitBreaker.BreakDuration);
        var local = sp.GetRequiredKeyedService<LlmProvider>("local");
        Assert.True(local.Capabilities.PrefillContinuation);
        // Configuration lists a section's children in key order, not file order.
        Assert.Equal(["local", "openai"], sp.GetRequiredService<LlmProviderRegistry>().Providers.Select(p => p.Name));
    }

    [Fact]
    public void AddLlmProviders_FactoryGetsNameAndBoundOptions()
    {
        var config = new TestConfiguration(("Llm:Providers:x:Type", "Fake"), ("Llm:Providers:x:ApiKey", "k"), ("Llm:Providers:x:Endpoint", "https://example.com/v1"));
        var services = new ServiceCollection();
        (string Name, LlmProviderOptions Options)? seen = null;
        services.AddLlmProviders(config.Llm).AddProviderType("Fake", (_, name, o) =>
        {
            seen = (name, o);
            return new TestChatClient();
        });
        using var sp = services.BuildServiceProvider();

        sp.GetRequiredKeyedService<IChatClient>("x");

        Assert.Equal("x", seen!.Value.Name);
        Assert.Equal("k", seen.Value.Options.ApiKey);
        Assert.Equal(new Uri("https://example.com/v1"), seen.Value.Options.Endpoint);
    }

    [Fact]
    public void AddLlmProviders_NestedSection_NamesItsFullPath()
    {
        var config = new TestConfiguration(("App:Ai:Llm:Providers:x:Type", "Fake"));
        var services = new ServiceCollection();

        var builder = services.AddLlmProviders(config.Root.GetSection("App:Ai:Llm"));

        Assert.Equal("App:Ai:Llm", builder.ConfigurationPath);
    }

    [Fact]
    public void AddLlmProviders_WithoutConfiguration_UsesLlmAsThePath()
    {
        var builder = new ServiceCollection().AddLlmProviders();

        Assert.Null(builder.Configuration);
        Assert.Equal("Llm", builder.ConfigurationPath);
    }

    [Fact]
    public void AddLlmProviders_TimeProviderRegisteredFirst_IsUsedByProviders()
    {
        var time = new FakeTimeProvider();
        var services = new ServiceCollection().AddSingleton<TimeProvider>(time);
        services.AddLlmProviders().AddProvider("a", _ => new TestChatClient());
        using var sp = services.BuildServiceProvider();

        Assert.Same(time, sp.GetRequiredKeyedService<LlmProvider>("a").TimeProvider);
    }

    [Fact]
    public void AddProvider_InConfigurationAndCode_CodeFactoryWinsAndOptionsMerge()
    {
        var config = new TestConfiguration(
            ("Llm:Providers:b:Type", "Fake"),
            ("Llm:Providers:a:Type", "Fake"),
            ("Llm:Providers:a:Model", "from-config"),
            ("Llm:Providers:a:Capabilities:ContextWindow", "8192"));
        var services = new ServiceCollection();
        var fromCode = new TestChatClient();
        services.AddLlmProviders(config.Llm)
            .AddProviderType("Fake", (_, _, _) => new TestChatClient())
            .AddProvider("a", _ => fromCode, o => o.Model = "from-code");
        using var sp = services.BuildServiceProvider();

        var a = sp.GetRequiredKeyedService<LlmProvider>("a");

        Assert.Same(fromCode, a.Client);
        Assert.Equal("from-code", a.Model);
        Assert.Equal(8192, a.Capabilities.ContextWindow);
        Assert.Equal(["a", "b"], sp.GetRequiredService<LlmProviderRegistry>().Providers.Select(p => p.Name).Order());
        Assert.Equal(2, sp.GetRequiredService<LlmProviderRegistry>().Providers.Count);
    }

    [Fact]
    public void AddProvider_CodeFirstWithKnownType_GetsTheTypeClassifier()
    {
        var typeClassifier = Substitute.For<ILlmFailureClassifier>();
        typeClassifier.Classify(Arg.Any<Exception>()).Returns(new LlmFailure(LlmFailureKind.ContentPolicy));
        var services = new ServiceCollection();
        services.AddLlmProviders()
            .AddProviderType("Fake", (_, _, _) => new TestChatClient(), (_, _, _) => typeClassifier)
            .AddProvider("a", _ => new TestChatClient(), o => o.Type = "fake");
        using var sp = services.BuildServiceProvider();

        Assert.Equal(LlmFailureKind.ContentPolicy, sp.GetRequiredKeyedService<LlmProvider>("a").Classify(new InvalidOperationException()).Kind);
    }

    [Fact]
    public void AddProvider_ByType_UsesTheTypeFactory()
    {
        var services = new ServiceCollection();
        var made = new TestChatClient();
        services.AddLlmProviders()
            .AddProviderType("Fake", (_, _, o) => o.Model == "m" ? made : throw new InvalidOperationException("configure ran too late"))
            .AddProvider("a", "Fake", o => o.Model = "m");
        using var sp = services.BuildServiceProvider();

        var a = sp.GetRequiredKeyedService<LlmProvider>("a");

        Assert.Same(made, a.Client);
        Assert.Equal("Fake", a.Type);
    }

    [Fact]
    public void AddFailureClassifier_Global_RunsAfterTheTypeClassifierAndBeforeTheSharedRules()
    {
        var calls = new List<string>();
        var typeClassifier = Substitute.For<ILlmFailureClassifier>();
        typeClassifier.Classify(Arg.Any<Exception>()).Returns(_ => { calls.Add("type"); return null; });
        var global = Substitute.For<ILlmFailureClassifier>();
        global.Classify(Arg.Any<TimeoutException>()).Returns(_ => { calls.Add("global"); return new LlmFailure(LlmFailureKind.RateLimited); });
        var services = new ServiceCollection();
        services.AddLlmProviders()
            .AddProviderType("Fake", (_, _, _) => new TestChatClient(), (_, _, _) => typeClassifier)
            .AddFailureClassifier(global)
            .AddProvider("a", "Fake")
            .AddProvider("b", _ => new TestChatClient());
        using var sp = services.BuildServiceProvider();

        Assert.Equal(LlmFailureKind.RateLimited, sp.GetRequiredKeyedService<LlmProvider>("a").Classify(new TimeoutException()).Kind);
        Assert.Equal(["type", "global"], calls);
        Assert.Equal(LlmFailureKind.RateLimited, sp.GetRequiredKeyedService<LlmProvider>("b").Classify(new TimeoutException()).Kind);
    }

    [Fact]
    public void Registry_MissingType_ThrowsNamingTheKey()
    {
        var config = new TestConfiguration(("Llm:Providers:openai:Model", "gpt-4o"));
        var services = new ServiceCollection();
        services.AddLlmProviders(config.Llm);
        using var sp = services.BuildServiceProvider();

        var ex = Assert.Throws<InvalidOperationException>(() => sp.GetRequiredKeyedService<IChatClient>("openai"));

        Assert.Equal("Llm:Providers:openai:Type is required: name the adapter (no adapter types are registered).", ex.Message);
    }

    [Fact]
    public void Registry_UnknownType_ThrowsNamingTheKeyAndTheKnownTypes()
    {
        var config = new TestConfiguration(("Llm:Providers:openai:Type", "OpenAi2"));
        var services = new ServiceCollection();
        services.AddLlmProviders(config.Llm).AddProviderType("Fake", (_, _, _) => new TestChatClient()).AddProviderType("Other", (_, _, _) => new TestChatClient());
        using var sp = services.BuildServiceProvider();

        var ex = Assert.Throws<InvalidOperationException>(() => sp.GetRequiredService<LlmProviderRegistry>());

        Assert.StartsWith("Llm:Providers:openai:Type 'OpenAi2' is not a registered provider type (registered types: Fake, Other).", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartAsync_UnknownType_FailsAtStartNamingTheKey()
    {
        using var host = BuildHost(("Llm:Providers:openai:Type", "OpenAi2"));

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(TestContext.Current.CancellationToken));

        Assert.Equal(
            ["Llm:Providers:openai:Type 'OpenAi2' is not a registered provider type (registered types: Fake). Reference the adapter package and register it, for example with AddOpenAI(), AddAnthropic() or AddGemini() on the LlmProvidersBuilder."],
            ex.Failures);
    }

    [Fact]
    public async Task StartAsync_MissingType_FailsAtStartNamingTheKey()
    {
        using var host = BuildHost(("Llm:Providers:openai:Model", "gpt-4o"));

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(TestContext.Current.CancellationToken));

        Assert.Equal(["Llm:Providers:openai:Type is required: name the adapter (registered types: Fake)."], ex.Failures);
    }

    [Fact]
    public async Task StartAsync_InvalidProviderOptions_FailsNamingEveryKey()
    {
        using var host = BuildHost(
            ("Llm:Providers:openai:Type", "Fake"),
            ("Llm:Providers:openai:Resilience:MaxRetries", "50"),
            ("Llm:Providers:openai:Resilience:CircuitBreaker:FailureRatio", "2"),
            ("Llm:Providers:local:Type", "Fake"),
            ("Llm:Providers:local:Endpoint", "ftp://localhost/v1"),
            ("Llm:Providers:local:Capabilities:ContextWindow", "0"));

        // Several options fail at once: the host reports them together.
        var ex = await Assert.ThrowsAnyAsync<Exception>(() => host.StartAsync(TestContext.Current.CancellationToken));

        var failures = AllFailures(ex);
        Assert.Contains("Llm:Providers:openai:Resilience:MaxRetries must be between 0 and 10 (was 50).", failures);
        Assert.Contains("Llm:Providers:openai:Resilience:CircuitBreaker:FailureRatio must be greater than 0 and at most 1 (was 2).", failures);
        Assert.Contains("Llm:Providers:local:Endpoint must be an absolute http or https address.", failures);
        Assert.Contains("Llm:Providers:local:Capabilities:ContextWindow must be positive (was 0).", failures);
    }

    [Fact]
    public async Task StartAsync_InvalidFallbackAndBudget_FailNamingTheKeys()
    {
        using var host = BuildHost(
            ("Llm:Providers:a:Type", "Fake"),
            ("Llm:Fallback:MaxAttemptsPerRequest", "0"),
            ("Llm:Fallback:Chain:0", "a"),
            ("Llm:Fallback:Chain:1", "A"),
            ("Llm:Fallback:Streaming:IdleTimeout", "00:00:00"),
            ("Llm:Fallback:Streaming:Rescue", "Continue"),
            ("Llm:RetryBudget:RetryRatio", "-1"));

        // Several options fail at once: the host reports them together.
        var ex = await Assert.ThrowsAnyAsync<Exception>(() => host.StartAsync(TestContext.Current.CancellationToken));

        var failures = AllFailures(ex);
        Assert.Contains("Llm:Fallback:MaxAttemptsPerRequest must be between 1 and 100 (was 0).", failures);
        Assert.Contains("Llm:Fallback:Chain:1 repeats provider 'A'; a provider's retries are set by its Resilience:MaxRetries.", failures);
        Assert.Contains("Llm:Fallback:Streaming:IdleTimeout must be positive and at most one day, or infinite (-00:00:00.001) (was 00:00:00).", failures);
        Assert.Contains("Llm:RetryBudget:RetryRatio must be between 0 and 10 (was -1).", failures);
    }

    [Fact]
    public async Task StartAsync_CodeConfiguredInvalidOptions_FailNamingTheKey()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new());
        builder.Services.AddLlmProviders().AddProvider("a", _ => new TestChatClient(), o => o.Resilience.CircuitBreaker.BreakDuration = TimeSpan.FromHours(2));
        using var host = builder.Build();

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(TestContext.Current.CancellationToken));

        Assert.Contains("Llm:Providers:a:Resilience:CircuitBreaker:BreakDuration must be between 00:00:00.0010000 and 01:00:00 (was 02:00:00).", ex.Failures);
    }

    [Fact]
    public async Task StartAsync_UnknownNameInChain_FailsAtStartNamingTheKeyAndTheName()
    {
        using var host = BuildHost(
            ("Llm:Providers:a:Type", "Fake"),
            ("Llm:Providers:b:Type", "Fake"),
            ("Llm:Fallback:Chain:0", "a"),
            ("Llm:Fallback:Chain:1", "anthropic"));

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(TestContext.Current.CancellationToken));

        Assert.Equal(["Llm:Fallback:Chain:1 names provider 'anthropic', which is not registered. Registered providers: a, b."], ex.Failures);
    }

    [Fact]
    public async Task StartAsync_UnknownNameInContextWindowFallbacks_FailsAtStartNamingTheKeyAndTheName()
    {
        using var host = BuildHost(
            ("Llm:Providers:a:Type", "Fake"),
            ("Llm:Fallback:Chain:0", "a"),
            ("Llm:Fallback:ContextWindowFallbacks:0", "summariser"));

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(TestContext.Current.CancellationToken));

        Assert.Equal(["Llm:Fallback:ContextWindowFallbacks:0 names provider 'summariser', which is not registered. Registered providers: a."], ex.Failures);
    }

    [Fact]
    public async Task StartAsync_ChainNamesProvidersRegisteredInCode_Starts()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new());
        builder.Configuration.AddInMemoryCollection([new("Llm:Fallback:Chain:0", "Local"), new("Llm:Fallback:ContextWindowFallbacks:0", "local")]);
        builder.Services.AddLlmProviders(builder.Configuration.GetSection("Llm")).AddProvider("local", _ => new TestChatClient());
        using var host = builder.Build();

        await host.StartAsync(TestContext.Current.CancellationToken);
        await host.StopAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task StartAsync_ValidConfiguration_Starts()
    {
        using var host = BuildHost(("Llm:Providers:a:Type", "Fake"), ("Llm:Fallback:Chain:0", "a"));

        await host.StartAsync(TestContext.Current.CancellationToken);
        await host.StopAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public void GetProviderOptions_InvalidValues_ResolveWithOptionsValidationException()
    {
        var config = new TestConfiguration(("Llm:Providers:a:Type", "Fake"), ("Llm:Providers:a:Pricing:OutputPerMillionTokens", "-2"));
        var services = new ServiceCollection();
        services.AddLlmProviders(config.Llm).AddProviderType("Fake", (_, _, _) => new TestChatClient());
        using var sp = services.BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => sp.GetRequiredService<IOptionsMonitor<LlmProviderOptions>>().Get("a"));

        Assert.Equal(["Llm:Providers:a:Pricing:OutputPerMillionTokens must not be negative (was -2)."], ex.Failures);
    }

    [Fact]
    public void AddFallbackChatClient_Names_ChainInThatOrder()
    {
        using var sp = Build(new TestConfiguration(("Llm:Providers:a:Type", "Fake"), ("Llm:Providers:b:Type", "Fake"), ("Llm:Providers:c:Type", "Fake")), s => s.AddFallbackChatClient("c", "a"));

        var client = Assert.IsType<FallbackChatClient>(sp.GetRequiredService<IChatClient>());

        Assert.Equal(["c", "a"], client.Providers.Select(p => p.Name));
        Assert.Same(sp.GetRequiredKeyedService<LlmProvider>("c"), client.Providers[0]);
        Assert.Same(client, sp.GetRequiredService<IChatClient>());
    }

    [Fact]
    public void AddFallbackChatClient_NoNames_UsesTheConfiguredChain()
    {
        using var sp = Build(
            new TestConfiguration(("Llm:Providers:a:Type", "Fake"), ("Llm:Providers:b:Type", "Fake"), ("Llm:Fallback:Chain:0", "b"), ("Llm:Fallback:Chain:1", "a")),
            s => s.AddFallbackChatClient());

        var client = Assert.IsType<FallbackChatClient>(sp.GetRequiredService<IChatClient>());

        Assert.Equal(["b", "a"], client.Providers.Select(p => p.Name));
    }

    [Fact]
    public void AddFallbackChatClient_Configure_AppliesAfterConfiguration()
    {
        using var sp = Build(
            new TestConfiguration(("Llm:Providers:a:Type", "Fake"), ("Llm:Providers:b:Type", "Fake"), ("Llm:Fallback:Chain:0", "a")),
            s => s.AddFallbackChatClient(o => o.Chain = ["b", "a"]));

        var client = Assert.IsType<FallbackChatClient>(sp.GetRequiredService<IChatClient>());

        Assert.Equal(["b", "a"], client.Providers.Select(p => p.Name));
    }

    [Fact]
    public void AddFallbackChatClient_UnknownConfiguredNameWithoutHost_ThrowsAtFirstResolutionNamingTheKey()
    {
        using var sp = Build(
            new TestConfiguration(("Llm:Providers:a:Type", "Fake"), ("Llm:Fallback:Chain:0", "a"), ("Llm:Fallback:Chain:1", "anthropic")),
            s => s.AddFallbackChatClient());

        var ex = Assert.Throws<OptionsValidationException>(() => sp.GetRequiredService<IChatClient>());

        Assert.Equal(["Llm:Fallback:Chain:1 names provider 'anthropic', which is not registered. Registered providers: a."], ex.Failures);
    }

    [Fact]
    public void AddFallbackChatClient_UnknownCodeName_ThrowsNamingTheArgument()
    {
        using var sp = Build(new TestConfiguration(("Llm:Providers:a:Type", "Fake")), s => s.AddFallbackChatClient("a", "zzz"));

        var ex = Assert.Throws<InvalidOperationException>(() => sp.GetRequiredService<IChatClient>());

        Assert.Equal("chain:1 names provider 'zzz', which is not registered. Registered providers: a.", ex.Message);
    }

    [Fact]
    public void AddFallbackChatClient_EmptyChain_ThrowsNamingTheKey()
    {
        using var sp = Build(new TestConfiguration(("Llm:Providers:a:Type", "Fake")), s => s.AddFallbackChatClient());

        var ex = Assert.Throws<InvalidOperationException>(() => sp.GetRequiredService<IChatClient>());

        Assert.Equal("Llm:Fallback:Chain is empty: name the providers to try, in code (AddFallbackChatClient(\"a\", \"b\")) or in configuration.", ex.Message);
    }

    [Fact]
    public void AddFallbackChatClient_WithoutAddLlmProviders_ThrowsExplaining()
    {
        var services = new ServiceCollection();
        services.AddFallbackChatClient("a");
        using var sp = services.BuildServiceProvider();

        var ex = Assert.Throws<InvalidOperationException>(() => sp.GetRequiredService<IChatClient>());

        Assert.Equal("LlmFallback providers are not registered: call services.AddLlmProviders(...) first.", ex.Message);
    }

    [Fact]
    public async Task AddFallbackChatClient_TwoStages_ShareOneRetryBudget()
    {
        var config = new TestConfiguration(("Llm:Providers:a:Type", "Fake"), ("Llm:Providers:b:Type", "Fake"));
        using var sp = Build(config, s =>
        {
            s.AddFallbackChatClient("a", "b");
            s.AddKeyedChatClient("other", p => p.GetRequiredKeyedService<IChatClient>("b")).UseFallback("a");
        }, answer: "hi");
        var budget = sp.GetRequiredService<LlmRetryBudget>();

        await sp.GetRequiredService<IChatClient>().GetResponseAsync("q", cancellationToken: TestContext.Current.CancellationToken);
        await sp.GetRequiredKeyedService<IChatClient>("other").GetResponseAsync("q", cancellationToken: TestContext.Current.CancellationToken);

        Assert.Same(budget, sp.GetRequiredService<LlmRetryBudget>());
        Assert.Equal(2, budget.GetCounts().Requests);
    }

    [Fact]
    public void RetryBudget_Configuration_IsBound()
    {
        var config = new TestConfiguration(("Llm:RetryBudget:MinRetriesPerSecond", "0"), ("Llm:RetryBudget:RetryRatio", "0"), ("Llm:RetryBudget:Window", "00:00:05"));
        var services = new ServiceCollection();
        services.AddLlmProviders(config.Llm);
        using var sp = services.BuildServiceProvider();

        Assert.False(sp.GetRequiredService<LlmRetryBudget>().TryAcquireRetry());
        Assert.Equal(TimeSpan.FromSeconds(5), sp.GetRequiredService<IOptions<LlmRetryBudgetOptions>>().Value.Window);
    }

    [Fact]
    public void Reload_ValidFallbackChange_UpdatesTheExistingClient()
    {
        var config = new TestConfiguration(("Llm:Providers:a:Type", "Fake"), ("Llm:Providers:b:Type", "Fake"), ("Llm:Fallback:Chain:0", "a"), ("Llm:Fallback:Chain:1", "b"));
        using var sp = Build(config, s => s.AddFallbackChatClient());
        var client = Assert.IsType<FallbackChatClient>(sp.GetRequiredService<IChatClient>());

        config.Set(("Llm:Fallback:Chain:0", "b"), ("Llm:Fallback:Chain:1", "a"));

        Assert.Equal(["b", "a"], client.Providers.Select(p => p.Name));
    }

    [Fact]
    public void Reload_CodeChain_KeepsTheChainButTakesTheNewSettings()
    {
        var config = new TestConfiguration(("Llm:Providers:a:Type", "Fake"), ("Llm:Providers:b:Type", "Fake"), ("Llm:Fallback:Chain:0", "b"));
        using var sp = Build(config, s => s.AddFallbackChatClient("a", "b"));
        var client = Assert.IsType<FallbackChatClient>(sp.GetRequiredService<IChatClient>());

        config.Set(("Llm:Fallback:Chain:0", "a"), ("Llm:Fallback:MaxAttemptsPerRequest", "3"));

        Assert.Equal(["a", "b"], client.Providers.Select(p => p.Name));
    }

    [Theory]
    [InlineData("Llm:Fallback:Chain:1", "nope", "Llm:Fallback:Chain:1 names provider 'nope', which is not registered. Registered providers: a, b.")]

    // A value the binder cannot convert: its InvalidOperationException escaped into Reload(), and nothing was logged.
    [InlineData("Llm:Fallback:MaxAttemptsPerRequest", "many", "'Llm:Fallback:MaxAttemptsPerRequest'")]
    public void Reload_UnknownProviderInChainOrValueThatDoesNotBind_IsRejectedLoggedAndTheOldChainKept(string key, string value, string logged)
    {
        var config = new TestConfiguration(("Llm:Providers:a:Type", "Fake"), ("Llm:Providers:b:Type", "Fake"), ("Llm:Fallback:Chain:0", "a"), ("Llm:Fallback:Chain:1", "b"));
        using var logs = new FakeLoggerProvider();
        using var sp = Build(config, s => s.AddFallbackChatClient(), logs: logs);
        var client = Assert.IsType<FallbackChatClient>(sp.GetRequiredService<IChatClient>());

        config.Set(("Llm:Fallback:Chain:0", "b"), (key, value));

        Assert.Equal(["a", "b"], client.Providers.Select(p => p.Name));
        var log = Assert.Single(logs.Collector.GetSnapshot(), l => l.Id.Id == 11);
        Assert.Equal(LogLevel.Error, log.Level);
        Assert.Contains(logged, log.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Reload_InvalidFallbackValue_IsRejectedLoggedAndTheOldSettingsKept()
    {
        var config = new TestConfiguration(("Llm:Providers:a:Type", "Fake"), ("Llm:Providers:b:Type", "Fake"), ("Llm:Fallback:Chain:0", "a"), ("Llm:Fallback:Chain:1", "b"));
        using var logs = new FakeLoggerProvider();
        using var sp = Build(config, s => s.AddFallbackChatClient(), logs: logs);
        var client = Assert.IsType<FallbackChatClient>(sp.GetRequiredService<IChatClient>());

        config.Set(("Llm:Fallback:Chain:0", "b"), ("Llm:Fallback:Chain:1", "a"), ("Llm:Fallback:MaxAttemptsPerRequest", "0"));

        Assert.Equal(["a", "b"], client.Providers.Select(p => p.Name));
        var log = Assert.Single(logs.Collector.GetSnapshot(), l => l.Level >= LogLevel.Error);
        Assert.Equal(11, log.Id.Id);
        Assert.Equal("LlmFallback.Configuration", log.Category);
        Assert.Equal("Reloaded configuration 'Llm:Fallback' was rejected and the previous values are kept: Llm:Fallback:MaxAttemptsPerRequest must be between 1 and 100 (was 0).", log.Message);
        Assert.Equal(6, sp.GetRequiredService<IOptionsMonitor<FallbackOptions>>().CurrentValue.MaxAttemptsPerRequest);

        config.Set(("Llm:Fallback:MaxAttemptsPerRequest", "4"));

        Assert.Equal(["b", "a"], client.Providers.Select(p => p.Name));
        Assert.Equal(4, sp.GetRequiredService<IOptionsMonitor<FallbackOptions>>().CurrentValue.MaxAttemptsPerRequest);
    }

    [Fact]
    public void Reload_InvalidProviderOptions_IsRejectedLoggedAndTheOldValuesKept()
    {
        var config = new TestConfiguration(("Llm:Providers:a:Type", "Fake"), ("Llm:Providers:a:Model", "m1"));
        using var logs = new FakeLoggerProvider();
        using var sp = Build(config, _ => { }, logs: logs);
        var monitor = sp.GetRequiredService<IOptionsMonitor<LlmProviderOptions>>();
        var changes = new List<string?>();
        using var subscription = monitor.OnChange((o, name) => changes.Add(name + ":" + o.Model));
        Assert.Equal("m1", monitor.Get("a").Model);

        config.Set(("Llm:Providers:a:Model", "m2"), ("Llm:Providers:a:Resilience:MaxRetries", "-3"));

        Assert.Equal("m1", monitor.Get("a").Model);
        Assert.Empty(changes);
        var log = Assert.Single(logs.Collector.GetSnapshot(), l => l.Level >= LogLevel.Error);
        Assert.Equal("Reloaded configuration 'Llm:Providers:a' was rejected and the previous values are kept: Llm:Providers:a:Resilience:MaxRetries must be between 0 and 10 (was -3).", log.Message);

        config.Set(("Llm:Providers:a:Resilience:MaxRetries", "3"));

        Assert.Equal("m2", monitor.Get("a").Model);
        Assert.Equal(["a:m2"], changes);
    }

    [Fact]
    public void Reload_InvalidRetryBudget_IsRejectedAndLogged()
    {
        var config = new TestConfiguration(("Llm:RetryBudget:RetryRatio", "0.5"));
        using var logs = new FakeLoggerProvider();
        using var sp = Build(config, _ => { }, logs: logs);
        var monitor = sp.GetRequiredService<IOptionsMonitor<LlmRetryBudgetOptions>>();
        Assert.Equal(0.5, monitor.CurrentValue.RetryRatio);

        config.Set(("Llm:RetryBudget:RetryRatio", "20"));

        Assert.Equal(0.5, monitor.CurrentValue.RetryRatio);
        Assert.Equal(
            "Reloaded configuration 'Llm:RetryBudget' was rejected and the previous values are kept: Llm:RetryBudget:RetryRatio must be between 0 and 10 (was 20).",
            Assert.Single(logs.Collector.GetSnapshot(), l => l.Level >= LogLevel.Error).Message);
    }

    [Fact]
    public void Dispose_ScopedFallbackClient_StopsFollowingReloads()
    {
        var config = new TestConfiguration(("Llm:Providers:a:Type", "Fake"), ("Llm:Providers:b:Type", "Fake"), ("Llm:Providers:c:Type", "Fake"), ("Llm:Fallback:Chain:0", "a"));
        using var sp = Build(config, s => s.AddChatClient(p => p.GetRequiredKeyedService<IChatClient>("a"), ServiceLifetime.Scoped).UseFallback());
        FallbackChatClient client;
        using (var scope = sp.CreateScope())
        {
            client = Assert.IsType<FallbackChatClient>(scope.ServiceProvider.GetRequiredService<IChatClient>());
            config.Set(("Llm:Fallback:Chain:1", "b"));
            Assert.Equal(["a", "b"], client.Providers.Select(p => p.Name));
        }

        config.Set(("Llm:Fallback:Chain:1", "c"));

        Assert.Equal(["a", "b"], client.Providers.Select(p => p.Name));
    }

    [Theory]
    [InlineData(ServiceLifetime.Scoped)]
    [InlineData(ServiceLifetime.Transient)]
    public void Dispose_FallbackClientOfAScope_IsCollectable(ServiceLifetime lifetime)
    {
        var config = new TestConfiguration(("Llm:Providers:a:Type", "Fake"), ("Llm:Providers:b:Type", "Fake"), ("Llm:Fallback:Chain:0", "b"));
        using var sp = Build(config, s => s.AddChatClient(p => p.GetRequiredKeyedService<IChatClient>("a"), lifetime).UseFallback());

        var client = ResolveInScopeAndDispose(sp);
        for (var i = 0; i < 3 && client.IsAlive; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }

        Assert.False(client.IsAlive);
    }

    [Fact]
    public void Dispose_ServiceProvider_DisposesTheClientsTheRegistryCreated()
    {
        var made = new List<TestChatClient>();
        var services = new ServiceCollection();
        services.AddLlmProviders().AddProvider("a", _ => Track(made)).AddProvider("b", _ => Track(made));
        var sp = services.BuildServiceProvider();
        sp.GetRequiredService<LlmProviderRegistry>();

        sp.Dispose();

        Assert.Equal(2, made.Count);
        Assert.All(made, c => Assert.True(c.Disposed));
    }

    [Fact]
    public void Registry_FactoryReturnsNull_ThrowsNamingTheProvider()
    {
        var services = new ServiceCollection();
        services.AddLlmProviders().AddProvider("a", _ => null!);
        using var sp = services.BuildServiceProvider();

        var ex = Assert.Throws<InvalidOperationException>(() => sp.GetRequiredKeyedService<IChatClient>("a"));

        Assert.Equal("The factory of provider 'a' returned no client.", ex.Message);
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static WeakReference ResolveInScopeAndDispose(IServiceProvider services)
    {
        using var scope = services.CreateScope();
        return new WeakReference(Assert.IsType<FallbackChatClient>(scope.ServiceProvider.GetRequiredService<IChatClient>()));
    }

    private sealed class MarkerChatClient(IChatClient inner) : DelegatingChatClient(inner)
    {
        public new IChatClient InnerClient => base.InnerClient;
    }

    private static TestChatClient Track(List<TestChatClient> made)
    {
        var client = new TestChatClient();
        made.Add(client);
        return client;
    }

    private static ServiceProvider Build(TestConfiguration config, Action<IServiceCollection> configure, string answer = "ok", FakeLoggerProvider? logs = null)
    {
        var services = new ServiceCollection();
        if (logs is not null)
        {
            services.AddLogging(b => b.AddProvider(logs));
        }

        services.AddLlmProviders(config.Llm).AddProviderType("Fake", (_, _, _) => TestChatClient.Answering(answer));
        configure(services);
        return services.BuildServiceProvider();
    }

    private static IHost BuildHost(params (string Key, string? Value)[] values)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new());
        builder.Configuration.AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value)));
        builder.Services.AddLlmProviders(builder.Configuration.GetSection("Llm")).AddProviderType("Fake", (_, _, _) => new TestChatClient());
        return builder.Build();
    }

    private static List<string> AllFailures(Exception ex) => ex switch
    {
        OptionsValidationException o => [.. o.Failures],
        AggregateException a => [.. a.InnerExceptions.SelectMany(AllFailures)],
        _ => [],
    };
}
