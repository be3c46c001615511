using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace LlmFallback.OpenAI.Tests.Internal;

public class OpenAIProviderOptionsValidatorTests
{
    private static readonly string UnsetVariable = "LLMFB_UNSET_" + Guid.NewGuid().ToString("N");

    private static string[] Failures(Dictionary<string, string?> configuration, string name = "p")
    {
        using var sp = TestProviders.Build(b => b.AddOpenAI(), configuration);
        var ex = Assert.Throws<OptionsValidationException>(() => sp.GetRequiredService<IOptionsMonitor<LlmProviderOptions>>().Get(name));
        return [.. ex.Failures];
    }

    private static Dictionary<string, string?> Provider(string type, params (string Key, string Value)[] values)
    {
        var config = new Dictionary<string, string?>
        {
            ["Llm:Providers:p:Type"] = type,
            ["Llm:Providers:p:ApiKeyEnvironmentVariable"] = UnsetVariable,
        };
        foreach (var (key, value) in values)
        {
            config["Llm:Providers:p:" + key] = value;
        }

        return config;
    }

    [Fact]
    public void Validate_OpenAIWithoutModelOrKey_NamesBothKeys()
    {
        var failures = Failures(Provider("OpenAI"));

        Assert.Equal(
            [
                "Llm:Providers:p:Model is required for type OpenAI: the model to call, for example gpt-4o-mini.",
                $"Llm:Providers:p:ApiKey is required for type OpenAI: set it, or the {UnsetVariable} environment variable.",
            ],
            failures);
    }

    [Fact]
    public void Validate_AzureWithoutEndpoint_NamesEndpointAndDeployment()
    {
        var failures = Failures(Provider("AzureOpenAI", ("ApiKey", "k")));

        Assert.Equal(
            [
                "Llm:Providers:p:Model is required for type AzureOpenAI: the name of the deployment.",
                "Llm:Providers:p:Endpoint is required for type AzureOpenAI: the resource's v1 address, https://<resource>.openai.azure.com/openai/v1/.",
            ],
            failures);
    }

    [Fact]
    public void Validate_CompatibleWithoutEndpointOrPreset_NamesEndpoint()
    {
        Assert.Equal(
            ["Llm:Providers:p:Endpoint is required for type OpenAICompatible without a Preset: the server's base address, for example http://localhost:8000/v1."],
            Failures(Provider("OpenAICompatible", ("Model", "m"))));
    }

    [Fact]
    public void Validate_UnknownPreset_ListsKnownPresets()
    {
        Assert.Equal(
            ["Llm:Providers:p:Preset 'sglang' is not a known preset; expected one of: vLLM, Ollama, LlamaCpp, LMStudio, TGI, Groq, Mistral, DeepSeek, Together, OpenRouter."],
            Failures(Provider("OpenAICompatible", ("Model", "m"), ("Preset", "sglang"))));
    }

    [Fact]
    public void Validate_HostedPresetWithoutKey_NamesPresetVariable()
    {
        var config = Provider("OpenAICompatible", ("Model", "m"), ("Preset", "Groq"));
        config.Remove("Llm:Providers:p:ApiKeyEnvironmentVariable");
        var groqKey = Environment.GetEnvironmentVariable("GROQ_API_KEY");
        Assert.SkipWhen(!string.IsNullOrEmpty(groqKey), "GROQ_API_KEY is set on this machine.");

        Assert.Equal(["Llm:Providers:p:ApiKey is required for type OpenAICompatible with Preset Groq: set it, or the GROQ_API_KEY environment variable."], Failures(config));
    }

    [Fact]
    public void Validate_SettingsOfAnotherType_NamesEachKey()
    {
        var failures = Failures(Provider("AzureOpenAI", ("Model", "d"), ("Endpoint", "https://r.openai.azure.com"), ("ApiKey", "k"), ("Preset", "vLLM"), ("Organization", "org"), ("Project", "proj")));

        Assert.Equal(
            [
                "Llm:Providers:p:Preset applies only to type OpenAICompatible (this provider is AzureOpenAI).",
                "Llm:Providers:p:Organization applies only to type OpenAI.",
                "Llm:Providers:p:Project applies only to type OpenAI.",
            ],
            failures);
    }

    [Fact]
    public void Validate_AdapterValuesOutOfRange_NameTheirKeys()
    {
        var failures = Failures(Provider("OpenAI", ("Model", "gpt-4o"), ("ApiKey", "k"), ("ApiVersion", "preview"), ("NetworkTimeout", "-00:00:05"), ("PrefillMode", "9")));

        Assert.Equal(
            [
                "Llm:Providers:p:ApiVersion applies only to type AzureOpenAI.",
                "Llm:Providers:p:PrefillMode has an unknown value '9'; expected one of: None, ContinueFinalMessage, TrailingAssistant, MessagePrefix.",
                "Llm:Providers:p:NetworkTimeout must be positive, or infinite (-00:00:00.001).",
            ],
            failures);
    }

    [Fact]
    public void Validate_HeaderValueWithNewLine_NamesHeaderNeverValue()
    {
        using var sp = TestProviders.Build(b => b.AddOpenAIProvider(
            "p",
            o => { o.Model = "gpt-4o"; o.ApiKey = "sk-live-secret"; },
            o => o.Headers["X-Secret"] = "token-value\r\nInjected: 1"));

        var ex = Assert.Throws<OptionsValidationException>(() => sp.GetRequiredService<IOptionsMonitor<LlmProviderOptions>>().Get("p"));

        Assert.Equal(["Llm:Providers:p:Headers:X-Secret must be a single-line value."], ex.Failures);
        Assert.DoesNotContain("token-value", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("sk-live-secret", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_ValidProviders_Pass()
    {
        var config = new Dictionary<string, string?>
        {
            ["Llm:Providers:a:Type"] = "OpenAI",
            ["Llm:Providers:a:Model"] = "gpt-4o",
            ["Llm:Providers:a:ApiKey"] = "k",
            ["Llm:Providers:b:Type"] = "openaicompatible",
            ["Llm:Providers:b:Preset"] = "LM Studio",
            ["Llm:Providers:b:Model"] = "qwen",
        };
        using var sp = TestProviders.Build(b => b.AddOpenAI(), config);

        Assert.Equal("gpt-4o", sp.GetRequiredService<IOptionsMonitor<LlmProviderOptions>>().Get("a").Model);
        Assert.Equal("qwen", sp.GetRequiredService<IOptionsMonitor<LlmProviderOptions>>().Get("b").Model);
    }

    [Fact]
    public void OpenAIProviderOptions_Defaults()
    {
        var options = new OpenAIProviderOptions();

        Assert.Null(options.Organization);
        Assert.Null(options.Project);
        Assert.Null(options.Preset);
        Assert.Null(options.ApiVersion);
        Assert.Null(options.ApiKeyEnvironmentVariable);
        Assert.Null(options.PrefillMode);
        Assert.True(options.ApplyCapabilityDefaults);
        Assert.Equal(Timeout.InfiniteTimeSpan, options.NetworkTimeout);
        Assert.Empty(options.Headers);
    }
}
