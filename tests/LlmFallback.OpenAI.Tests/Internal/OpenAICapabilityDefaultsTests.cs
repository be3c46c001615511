using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace LlmFallback.OpenAI.Tests.Internal;

public class OpenAICapabilityDefaultsTests
{
    private static LlmProviderCapabilities Capabilities(Dictionary<string, string?> configuration, Action<LlmProvidersBuilder>? configure = null)
    {
        using var sp = TestProviders.Build(b => { b.AddOpenAI(); configure?.Invoke(b); }, configuration);
        return sp.GetRequiredKeyedService<LlmProvider>("p").Capabilities;
    }

    private static Dictionary<string, string?> Config(string type, string model, params (string Key, string Value)[] values)
    {
        var config = new Dictionary<string, string?>
        {
            ["Llm:Providers:p:Type"] = type,
            ["Llm:Providers:p:Model"] = model,
            ["Llm:Providers:p:ApiKey"] = "k",
            ["Llm:Providers:p:Endpoint"] = "http://127.0.0.1:9/v1",
        };
        foreach (var (key, value) in values)
        {
            config["Llm:Providers:p:" + key] = value;
        }

        return config;
    }

    [Fact]
    public void PostConfigure_KnownModel_FillsCapabilities()
    {
        var caps = Capabilities(Config("OpenAI", "gpt-4o-mini-2024-07-18"));

        Assert.Equal(128_000, caps.ContextWindow);
        Assert.Equal(16_384, caps.MaxOutputTokens);
        Assert.True(caps.Tools);
        Assert.True(caps.Vision);
        Assert.True(caps.JsonSchema);
        Assert.False(caps.PrefillContinuation);
    }

    [Fact]
    public void PostConfigure_AzureDeploymentNamedAfterModel_FillsCapabilities()
    {
        Assert.Equal(1_047_576, Capabilities(Config("AzureOpenAI", "gpt-4.1-mini")).ContextWindow);
    }

    [Fact]
    public void PostConfigure_ValuesInConfiguration_Win()
    {
        var caps = Capabilities(Config("OpenAI", "gpt-4o", ("Capabilities:ContextWindow", "32000"), ("Capabilities:Vision", "false"), ("Capabilities:JsonSchema", "false")));

        Assert.Equal(32_000, caps.ContextWindow);
        Assert.Equal(16_384, caps.MaxOutputTokens);
        Assert.False(caps.Vision);
        Assert.False(caps.JsonSchema);
    }

    [Fact]
    public void PostConfigure_ModelWithoutTools_TurnsToolsOff()
    {
        Assert.False(Capabilities(Config("OpenAI", "o1-mini")).Tools);
    }

    [Fact]
    public void PostConfigure_DefaultsOff_LeavesCapabilitiesAsGiven()
    {
        var caps = Capabilities(Config("OpenAI", "gpt-4o", ("ApplyCapabilityDefaults", "false")));

        Assert.Null(caps.ContextWindow);
        Assert.False(caps.Vision);
    }

    [Fact]
    public void PostConfigure_UnknownModel_LeavesCapabilitiesUnknown()
    {
        var caps = Capabilities(Config("OpenAICompatible", "my-finetune"));

        Assert.Null(caps.ContextWindow);
        Assert.Null(caps.MaxOutputTokens);
    }

    [Theory]
    [InlineData("vLLM", true)]
    [InlineData("llama.cpp", true)]
    [InlineData("Ollama", true)]
    [InlineData("LMStudio", false)]
    [InlineData("TGI", false)]
    [InlineData("Mistral", false)]
    public void PostConfigure_Preset_DefaultsPrefillContinuation(string preset, bool expected)
    {
        Assert.Equal(expected, Capabilities(Config("OpenAICompatible", "m", ("Preset", preset))).PrefillContinuation);
    }

    [Fact]
    public void PostConfigure_PrefillOffInConfiguration_StaysOff()
    {
        Assert.False(Capabilities(Config("OpenAICompatible", "m", ("Preset", "vLLM"), ("Capabilities:PrefillContinuation", "false"))).PrefillContinuation);
    }

    [Theory]
    [InlineData("vLLM", null, true)]
    [InlineData("vLLM", false, false)]
    [InlineData("vLLM", true, true)]
    [InlineData("LMStudio", null, false)]
    [InlineData("LMStudio", true, true)]
    [InlineData("LMStudio", false, false)]
    public void Provider_PresetWithPrefillSetInCode_ExplicitValueWins(string preset, bool? inCode, bool expected)
    {
        using var sp = TestProviders.Build(b => b.AddOpenAICompatibleProvider("p", preset, o =>
        {
            o.Model = "m";
            if (inCode is { } value)
            {
                o.Capabilities.PrefillContinuation = value;
            }
        }));

        Assert.Equal(expected, sp.GetRequiredKeyedService<LlmProvider>("p").Capabilities.PrefillContinuation);
    }

    [Fact]
    public void Provider_ModelDefaultsContradictedInCode_ExplicitValuesWin()
    {
        using var sp = TestProviders.Build(b => b
            .AddOpenAIProvider("vision-off", o => { o.Model = "gpt-4o"; o.ApiKey = "k"; o.Capabilities.Vision = false; o.Capabilities.JsonSchema = false; })
            .AddOpenAIProvider("tools-on", o => { o.Model = "o1-mini"; o.ApiKey = "k"; o.Capabilities.Tools = true; }));

        var visionOff = sp.GetRequiredKeyedService<LlmProvider>("vision-off").Capabilities;
        Assert.False(visionOff.Vision);
        Assert.False(visionOff.JsonSchema);
        Assert.True(visionOff.Tools);
        Assert.True(sp.GetRequiredKeyedService<LlmProvider>("tools-on").Capabilities.Tools);
    }

    [Fact]
    public void Provider_UnsetInCodeAndConfiguration_GetsTheModelDefaults()
    {
        using var sp = TestProviders.Build(b => b.AddOpenAIProvider("p", o => { o.Model = "o1-mini"; o.ApiKey = "k"; }));

        var caps = sp.GetRequiredKeyedService<LlmProvider>("p").Capabilities;

        Assert.False(caps.Tools);
        Assert.False(caps.PrefillContinuation);
    }

    [Fact]
    public void PostConfigure_PrefillModeNone_DoesNotDeclarePrefill()
    {
        Assert.False(Capabilities(Config("OpenAICompatible", "m", ("Preset", "vLLM"), ("PrefillMode", "None"))).PrefillContinuation);
    }

    [Fact]
    public void PostConfigure_ProviderOfAnotherType_Untouched()
    {
        var config = new Dictionary<string, string?> { ["Llm:Providers:p:Type"] = "Anthropic", ["Llm:Providers:p:Model"] = "gpt-4o" };
        using var sp = TestProviders.Build(b => b.AddOpenAI(), config);
        var options = sp.GetRequiredService<IOptionsFactory<LlmProviderOptions>>().Create("p");

        Assert.Null(options.Capabilities.ContextWindow);
    }
}
