using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace LlmFallback.Tests.Providers;

public class LlmProvidersBuilderTests
{
    private static readonly Func<IServiceProvider, string, LlmProviderOptions, IChatClient> Factory = (_, _, _) => new TestChatClient();

    [Fact]
    public void AddProvider_NullOrBlankArguments_Throw()
    {
        var builder = new ServiceCollection().AddLlmProviders();

        Assert.Throws<ArgumentNullException>("name", () => builder.AddProvider(null!, _ => new TestChatClient()));
        Assert.Throws<ArgumentException>("name", () => builder.AddProvider(" ", _ => new TestChatClient()));
        Assert.Throws<ArgumentNullException>("clientFactory", () => builder.AddProvider("a", (Func<IServiceProvider, IChatClient>)null!));
        Assert.Throws<ArgumentNullException>("name", () => builder.AddProvider(null!, Factory));
        Assert.Throws<ArgumentException>("name", () => builder.AddProvider("", Factory));
        Assert.Throws<ArgumentNullException>("clientFactory", () => builder.AddProvider("a", (Func<IServiceProvider, string, LlmProviderOptions, IChatClient>)null!));
        Assert.Throws<ArgumentNullException>("name", () => builder.AddProvider(null!, "OpenAI"));
        Assert.Throws<ArgumentException>("name", () => builder.AddProvider(" ", "OpenAI"));
        Assert.Throws<ArgumentNullException>("type", () => builder.AddProvider("a", (string)null!));
        Assert.Throws<ArgumentException>("type", () => builder.AddProvider("a", " "));
    }

    [Fact]
    public void AddProviderType_NullOrBlankArguments_Throw()
    {
        var builder = new ServiceCollection().AddLlmProviders();

        Assert.Throws<ArgumentNullException>("type", () => builder.AddProviderType(null!, Factory));
        Assert.Throws<ArgumentException>("type", () => builder.AddProviderType(" ", Factory));
        Assert.Throws<ArgumentNullException>("clientFactory", () => builder.AddProviderType("Fake", null!));
    }

    [Fact]
    public void AddFailureClassifier_Null_Throws() =>
        Assert.Throws<ArgumentNullException>("classifier", () => new ServiceCollection().AddLlmProviders().AddFailureClassifier(null!));

    [Fact]
    public void Methods_ReturnTheSameBuilder()
    {
        var services = new ServiceCollection();
        var builder = services.AddLlmProviders();

        Assert.Same(services, builder.Services);
        Assert.Same(builder, builder.AddProvider("a", _ => new TestChatClient()));
        Assert.Same(builder, builder.AddProvider("b", Factory));
        Assert.Same(builder, builder.AddProvider("c", "Fake"));
        Assert.Same(builder, builder.AddProviderType("Fake", Factory));
        Assert.Same(builder, builder.AddFailureClassifier(LlmFailureClassifier.Default));
    }

    [Fact]
    public void AddProvider_CodeFirst_ResolvesAsKeyedSingletonsSharingOneInstance()
    {
        var services = new ServiceCollection();
        var calls = 0;
        services.AddLlmProviders().AddProvider("a", _ => { calls++; return new TestChatClient(); }, o => o.Model = "m");
        using var sp = services.BuildServiceProvider();

        var provider = sp.GetRequiredKeyedService<LlmProvider>("a");

        Assert.Same(provider, sp.GetRequiredKeyedService<LlmProvider>("a"));
        Assert.Same(provider.Client, sp.GetRequiredKeyedService<IChatClient>("a"));
        Assert.Same(provider.Client, sp.GetRequiredKeyedService<IChatClient>("a"));
        Assert.Equal("m", provider.Model);
        Assert.Equal(1, calls);
        Assert.Equal("Llm:Providers:a", sp.GetServices<LlmProviderRegistration>().Single().ConfigurationPath);
    }

    [Fact]
    public void AddProvider_SameNameTwiceInCode_LastFactoryWinsAndConfigureCallbacksAccumulate()
    {
        var services = new ServiceCollection();
        var second = new TestChatClient();
        services.AddLlmProviders()
            .AddProvider("a", _ => new TestChatClient(), o => o.Model = "first")
            .AddProvider("a", _ => second, o => o.Capabilities.ContextWindow = 1000);
        using var sp = services.BuildServiceProvider();

        var provider = Assert.Single(sp.GetRequiredService<LlmProviderRegistry>().Providers);

        Assert.Same(second, provider.Client);
        Assert.Equal("first", provider.Model);
        Assert.Equal(1000, provider.Capabilities.ContextWindow);
    }

    [Fact]
    public void BindProviderSettings_WithConfiguration_BindsEachProvidersOwnSectionBeforeCode()
    {
        var config = new TestConfiguration(("Llm:Providers:a:Type", "X"), ("Llm:Providers:a:Flavor", "from-config"), ("Llm:Providers:b:Flavor", "b-config"));
        var services = new ServiceCollection();
        services.AddLlmProviders(config.Llm)
            .BindProviderSettings<AdapterSettings>(static (section, o) => section.Bind(o));
        services.Configure<AdapterSettings>("b", o => o.Flavor += "+code");
        using var sp = services.BuildServiceProvider();

        var monitor = sp.GetRequiredService<Microsoft.Extensions.Options.IOptionsMonitor<AdapterSettings>>();

        Assert.Equal("from-config", monitor.Get("a").Flavor);
        Assert.Equal("b-config+code", monitor.Get("b").Flavor);
        Assert.Null(monitor.Get("missing").Flavor);
    }

    [Fact]
    public void BindProviderSettings_WithoutConfiguration_LeavesTheSettingsToCode()
    {
        var services = new ServiceCollection();
        services.AddLlmProviders().BindProviderSettings<AdapterSettings>(static (section, o) => section.Bind(o));
        using var sp = services.BuildServiceProvider();

        Assert.Null(sp.GetRequiredService<Microsoft.Extensions.Options.IOptionsMonitor<AdapterSettings>>().Get("a").Flavor);
    }

    [Fact]
    public void BindProviderSettings_NullBinder_Throws()
    {
        var builder = new ServiceCollection().AddLlmProviders();

        Assert.Throws<ArgumentNullException>("bind", () => builder.BindProviderSettings<AdapterSettings>(null!));
    }

    public sealed class AdapterSettings
    {
        public string? Flavor { get; set; }
    }
}
