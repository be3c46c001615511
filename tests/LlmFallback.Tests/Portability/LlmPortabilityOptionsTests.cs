using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace LlmFallback.Tests.Portability;

public class LlmPortabilityOptionsTests
{
    [Fact]
    public void Constructor_Defaults_AreDocumentedValues()
    {
        var options = new LlmPortabilityOptions();

        Assert.True(options.Enabled);
        Assert.Equal(LlmReasoningPortability.Drop, options.ForeignReasoning);
        Assert.Equal(LlmUnknownOrigin.Keep, options.UnknownOrigin);
    }

    [Fact]
    public void AddPortability_NullBuilder_Throws() =>
        Assert.Throws<ArgumentNullException>(() => LlmPortabilityBuilderExtensions.AddPortability(null!));

    [Fact]
    public void AddPortability_Configuration_BindsTheSharedSectionThenTheProvidersOwn()
    {
        var configuration = new TestConfiguration(
            ("Llm:Portability:ForeignReasoning", "Text"),
            ("Llm:Portability:UnknownOrigin", "Foreign"),
            ("Llm:Providers:claude:Portability:ForeignReasoning", "Drop"));
        var services = new ServiceCollection();
        services.AddLlmProviders(configuration.Llm).AddPortability().AddPortability();
        using var sp = services.BuildServiceProvider();
        var monitor = sp.GetRequiredService<IOptionsMonitor<LlmPortabilityOptions>>();

        var shared = monitor.CurrentValue;
        var claude = monitor.Get("claude");
        var other = monitor.Get("gpt");

        Assert.Equal(LlmReasoningPortability.Text, shared.ForeignReasoning);
        Assert.Equal(LlmReasoningPortability.Drop, claude.ForeignReasoning);
        Assert.Equal(LlmUnknownOrigin.Foreign, claude.UnknownOrigin);
        Assert.Equal(LlmReasoningPortability.Text, other.ForeignReasoning);
    }

    [Fact]
    public void AddPortability_Configure_AppliesToEveryProviderAfterConfiguration()
    {
        var configuration = new TestConfiguration(("Llm:Providers:gem:Portability:Enabled", "true"));
        var services = new ServiceCollection();
        services.AddLlmProviders(configuration.Llm).AddPortability(o => o.Enabled = false);
        using var sp = services.BuildServiceProvider();

        Assert.False(sp.GetRequiredService<IOptionsMonitor<LlmPortabilityOptions>>().Get("gem").Enabled);
    }

    [Theory]
    [InlineData("Llm:Portability:ForeignReasoning", "", "Llm:Portability:ForeignReasoning has an unknown value '7'; expected one of: Drop, Text.")]
    [InlineData("Llm:Providers:claude:Portability:ForeignReasoning", "claude", "Llm:Providers:claude:Portability:ForeignReasoning has an unknown value '7'; expected one of: Drop, Text.")]
    [InlineData("Llm:Portability:ForeignReasoning", "claude", "Llm:Portability:ForeignReasoning has an unknown value '7'; expected one of: Drop, Text.")]
    public void Validate_UnknownValue_NamesTheKeyItCameFrom(string key, string name, string expected)
    {
        var configuration = new TestConfiguration((key, "7"));
        var services = new ServiceCollection();
        services.AddLlmProviders(configuration.Llm).AddPortability();
        using var sp = services.BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => sp.GetRequiredService<IOptionsMonitor<LlmPortabilityOptions>>().Get(name));

        Assert.Equal(expected, Assert.Single(ex.Failures));
    }

    [Fact]
    public void Validate_UnknownOriginOutOfRange_NamesTheKey()
    {
        var services = new ServiceCollection();
        services.AddLlmProviders().AddPortability(o => o.UnknownOrigin = (LlmUnknownOrigin)9);
        using var sp = services.BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => sp.GetRequiredService<IOptions<LlmPortabilityOptions>>().Value);

        Assert.Equal("Llm:Portability:UnknownOrigin has an unknown value '9'; expected one of: Keep, Foreign.", Assert.Single(ex.Failures));
    }

    [Fact]
    public async Task ValidateOnStart_UnknownNameInTheSharedSection_FailsAtStartNamingTheKey()
    {
        var configuration = new TestConfiguration(("Llm:Portability:ForeignReasoning", "Sometimes"));
        var services = new ServiceCollection();
        services.AddLlmProviders(configuration.Llm).AddPortability();
        await using var sp = services.BuildServiceProvider();

        var validator = sp.GetRequiredService<IStartupValidator>();

        var ex = Assert.Throws<InvalidOperationException>(validator.Validate);

        Assert.Contains("Llm:Portability:ForeignReasoning", ex.Message, StringComparison.Ordinal);
    }
}
