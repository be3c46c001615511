namespace LlmFallback.OpenAI.Tests.Internal;

public class OpenAIPresetTests
{
    [Theory]
    [InlineData("vLLM", "http://localhost:8000/v1", OpenAIPrefillMode.ContinueFinalMessage)]
    [InlineData("vllm", "http://localhost:8000/v1", OpenAIPrefillMode.ContinueFinalMessage)]
    [InlineData("Ollama", "http://localhost:11434/v1", OpenAIPrefillMode.TrailingAssistant)]
    [InlineData("llama.cpp", "http://localhost:8080/v1", OpenAIPrefillMode.ContinueFinalMessage)]
    [InlineData("llama-cpp", "http://localhost:8080/v1", OpenAIPrefillMode.ContinueFinalMessage)]
    [InlineData("LM Studio", "http://localhost:1234/v1", OpenAIPrefillMode.None)]
    [InlineData("tgi", "http://localhost:8080/v1", OpenAIPrefillMode.None)]
    [InlineData("Groq", "https://api.groq.com/openai/v1", OpenAIPrefillMode.None)]
    [InlineData("Mistral", "https://api.mistral.ai/v1", OpenAIPrefillMode.MessagePrefix)]
    [InlineData("DeepSeek", "https://api.deepseek.com/v1", OpenAIPrefillMode.MessagePrefix)]
    [InlineData("Together", "https://api.together.xyz/v1", OpenAIPrefillMode.None)]
    [InlineData("OpenRouter", "https://openrouter.ai/api/v1", OpenAIPrefillMode.None)]
    public void Find_PresetName_ReturnsUsualDefaults(string name, string endpoint, OpenAIPrefillMode mode)
    {
        var preset = OpenAIPreset.Find(name);

        Assert.NotNull(preset);
        Assert.Equal(new Uri(endpoint), preset.Endpoint);
        Assert.Equal(mode, preset.PrefillMode);
        Assert.Equal(preset.ApiKeyEnvironmentVariable is null, preset.SelfHosted);
    }

    [Theory]
    [InlineData(null)]
    [InlineData(" ")]
    [InlineData("sglang")]
    public void Find_UnknownName_ReturnsNull(string? name)
    {
        Assert.Null(OpenAIPreset.Find(name));
    }

    [Theory]
    [InlineData("https://r.openai.azure.com", "https://r.openai.azure.com/openai/v1/")]
    [InlineData("https://r.openai.azure.com/", "https://r.openai.azure.com/openai/v1/")]
    [InlineData("https://r.openai.azure.com/openai", "https://r.openai.azure.com/openai/v1/")]
    [InlineData("https://r.openai.azure.com/openai/v1", "https://r.openai.azure.com/openai/v1/")]
    [InlineData("https://r.openai.azure.com/openai/v1/", "https://r.openai.azure.com/openai/v1/")]
    [InlineData("https://r.cognitiveservices.azure.com/openai/v1/?api-version=x", "https://r.cognitiveservices.azure.com/openai/v1/")]
    public void AzureV1Endpoint_AnyResourceForm_BecomesV1Base(string endpoint, string expected)
    {
        Assert.Equal(new Uri(expected), OpenAIProviderSettings.AzureV1Endpoint(new Uri(endpoint)));
    }

    [Fact]
    public void Resolve_ExplicitValues_WinOverPreset()
    {
        var settings = OpenAIProviderSettings.Resolve(
            new LlmProviderOptions { Type = "OpenAICompatible", Endpoint = new("http://gpu-box:9000/v1") },
            new OpenAIProviderOptions { Preset = "vLLM", PrefillMode = OpenAIPrefillMode.None, ApiKeyEnvironmentVariable = "MY_VLLM_KEY" });

        Assert.NotNull(settings);
        Assert.Equal(new Uri("http://gpu-box:9000/v1"), settings.Endpoint);
        Assert.Equal(OpenAIPrefillMode.None, settings.PrefillMode);
        Assert.Equal("MY_VLLM_KEY", settings.ApiKeyEnvironmentVariable);
        Assert.False(settings.ApiKeyRequired);
    }
}
