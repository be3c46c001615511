using System.Reflection;
using LlmFallback.Gemini;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace LlmFallback.Gemini.Tests;

public class GeminiLlmProvidersBuilderExtensionsTests : IAsyncLifetime
{
    private GeminiTestServer _server = null!;

    public async ValueTask InitializeAsync() => _server = await GeminiTestServer.StartAsync(TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Later values replace earlier ones with the same key.</summary>
    private static IConfiguration Config(params (string Key, string? Value)[] values)
    {
        var data = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in values)
        {
            data[key] = value;
        }

        return new ConfigurationBuilder().AddInMemoryCollection(data).Build();
    }

    private (string, string?)[] GeminiConfig(string name = "gem", params (string Key, string? Value)[] extra) =>
    [
        ($"Llm:Providers:{name}:Type", "Gemini"),
        ($"Llm:Providers:{name}:Model", "gemini-2.5-flash"),
        ($"Llm:Providers:{name}:ApiKey", "config-key"),
        ($"Llm:Providers:{name}:Endpoint", _server.BaseAddress.ToString()),
        .. extra,
    ];

    [Fact]
    public async Task AddGemini_ConfiguredProvider_CallsGeminiThroughItsNamedHttpClient()
    {
        var services = new ServiceCollection();
        var configuration = Config(GeminiConfig());
        services.AddLlmProviders(configuration.GetSection("Llm")).AddGemini();
        services.AddHttpClient(LlmHttpClientServiceCollectionExtensions.GetLlmHttpClientName("gem"))
            .AddHttpMessageHandler(() => new MarkingHandler());
        using var sp = services.BuildServiceProvider();
        _server.EnqueueJson(200, GeminiWireJson.Text("hello"));

        var client = sp.GetRequiredKeyedService<IChatClient>("gem");
        var response = await client.GetResponseAsync("Hi", cancellationToken: Ct);

        Assert.Equal("hello", response.Text);
        Assert.NotNull(client.GetService(typeof(GeminiChatClient)));
        var request = Assert.Single(_server.Requests);
        Assert.Equal("/v1beta/models/gemini-2.5-flash:generateContent", request.Path);
        Assert.Equal("config-key", request.Headers["x-goog-api-key"]);
        Assert.Equal("yes", request.Headers["x-marked"]);
        Assert.Equal("Gemini", sp.GetRequiredKeyedService<LlmProvider>("gem").Type);
    }

    [Fact]
    public async Task AddGemini_GeminiOptionsFromTheProviderSection_AreApplied()
    {
        var services = new ServiceCollection();
        services.AddLlmProviders(Config(GeminiConfig(extra: [("Llm:Providers:gem:ApiVersion", "v1"), ("Llm:Providers:gem:ThrowOnContentFilter", "false")])).GetSection("Llm")).AddGemini();
        using var sp = services.BuildServiceProvider();
        _server.EnqueueJson(200, GeminiWireJson.Response([GeminiWireJson.TextPart("part")], "SAFETY", null));

        var response = await sp.GetRequiredKeyedService<IChatClient>("gem").GetResponseAsync("Hi", cancellationToken: Ct);

        Assert.Equal(ChatFinishReason.ContentFilter, response.FinishReason);
        Assert.Equal("/v1/models/gemini-2.5-flash:generateContent", _server.Requests[0].Path);
        var options = sp.GetRequiredService<IOptionsMonitor<GeminiOptions>>().Get("gem");
        Assert.Equal("v1", options.ApiVersion);
        Assert.False(options.ThrowOnContentFilter);
    }

    [Fact]
    public async Task AddGeminiProvider_CodeFirst_CreatesAWorkingProvider()
    {
        var services = new ServiceCollection();
        services.AddLlmProviders().AddGeminiProvider(
            "g",
            o =>
            {
                o.Model = "gemini-2.0-flash";
                o.ApiKey = "code-key";
                o.Endpoint = _server.BaseAddress;
            },
            g => g.ApiVersion = "v1alpha");
        using var sp = services.BuildServiceProvider();
        _server.EnqueueJson(200, GeminiWireJson.Text("ok"));

        await sp.GetRequiredKeyedService<IChatClient>("g").GetResponseAsync("Hi", cancellationToken: Ct);

        Assert.Equal("/v1alpha/models/gemini-2.0-flash:generateContent", _server.Requests[0].Path);
        Assert.Equal("code-key", _server.Requests[0].Headers["x-goog-api-key"]);
        Assert.Equal("Gemini", sp.GetRequiredService<IOptionsMonitor<LlmProviderOptions>>().Get("g").Type);
    }

    [Fact]
    public void AddGeminiProvider_UnsetCapabilities_GetGeminiDefaults()
    {
        var services = new ServiceCollection();
        services.AddLlmProviders().AddGeminiProvider("g", o => { o.Model = "gemini-2.5-pro"; o.ApiKey = "k"; });
        using var sp = services.BuildServiceProvider();

        var capabilities = sp.GetRequiredKeyedService<LlmProvider>("g").Capabilities;

        Assert.Equal(1_048_576, capabilities.ContextWindow);
        Assert.Equal(65_536, capabilities.MaxOutputTokens);
        Assert.True(capabilities.Tools);
        Assert.True(capabilities.Vision);
        Assert.True(capabilities.JsonSchema);
        Assert.False(capabilities.PrefillContinuation);
    }

    [Fact]
    public void AddGemini_CapabilitiesSetInConfiguration_Win()
    {
        var services = new ServiceCollection();
        services.AddLlmProviders(Config(GeminiConfig(extra:
        [
            ("Llm:Providers:gem:Capabilities:ContextWindow", "32000"),
            ("Llm:Providers:gem:Capabilities:Vision", "false"),
            ("Llm:Providers:gem:Capabilities:PrefillContinuation", "true"),
        ])).GetSection("Llm")).AddGemini();
        using var sp = services.BuildServiceProvider();

        var capabilities = sp.GetRequiredKeyedService<LlmProvider>("gem").Capabilities;

        Assert.Equal(32_000, capabilities.ContextWindow);
        Assert.Equal(65_536, capabilities.MaxOutputTokens);
        Assert.False(capabilities.Vision);
        Assert.True(capabilities.JsonSchema);
        Assert.True(capabilities.PrefillContinuation);
    }

    [Fact]
    public void AddGeminiProvider_CapabilitiesSetInCode_Win()
    {
        var services = new ServiceCollection();
        services.AddLlmProviders().AddGeminiProvider("g", o =>
        {
            o.Model = "gemini-2.5-flash";
            o.ApiKey = "k";
            o.Capabilities.Vision = false;
            o.Capabilities.JsonSchema = false;
            o.Capabilities.MaxOutputTokens = 1024;
        });
        using var sp = services.BuildServiceProvider();

        var capabilities = sp.GetRequiredKeyedService<LlmProvider>("g").Capabilities;

        Assert.False(capabilities.Vision);
        Assert.False(capabilities.JsonSchema);
        Assert.Equal(1024, capabilities.MaxOutputTokens);
        Assert.Equal(1_048_576, capabilities.ContextWindow);
    }

    [Theory]
    [InlineData(null, true)]
    [InlineData(false, false)]
    [InlineData(true, true)]
    public void AddProvider_VisionSetInCodeBeforeAddGemini_ExplicitValueWins(bool? inCode, bool expected)
    {
        var services = new ServiceCollection();
        services.AddLlmProviders()
            .AddProvider("g", "Gemini", o =>
            {
                o.Model = "gemini-2.5-flash";
                o.ApiKey = "k";
                if (inCode is { } value)
                {
                    o.Capabilities.Vision = value;
                    o.Capabilities.JsonSchema = value;
                }
            })
            .AddGemini();
        using var sp = services.BuildServiceProvider();

        var capabilities = sp.GetRequiredKeyedService<LlmProvider>("g").Capabilities;

        Assert.Equal(expected, capabilities.Vision);
        Assert.Equal(expected, capabilities.JsonSchema);
    }

    [Theory]
    [InlineData(null, false)]
    [InlineData(true, true)]
    [InlineData(false, false)]
    public void AddGeminiProvider_PrefillSetInCode_ExplicitValueWins(bool? inCode, bool expected)
    {
        var services = new ServiceCollection();
        services.AddLlmProviders().AddGeminiProvider("g", o =>
        {
            o.Model = "gemini-2.5-flash";
            o.ApiKey = "k";
            if (inCode is { } value)
            {
                o.Capabilities.PrefillContinuation = value;
            }
        });
        using var sp = services.BuildServiceProvider();

        Assert.Equal(expected, sp.GetRequiredKeyedService<LlmProvider>("g").Capabilities.PrefillContinuation);
    }

    [Fact]
    public void AddGemini_UnknownModel_LeavesLimitsUnknown()
    {
        var services = new ServiceCollection();
        services.AddLlmProviders().AddGeminiProvider("g", o => { o.Model = "tunedModels/mine"; o.ApiKey = "k"; });
        using var sp = services.BuildServiceProvider();

        var capabilities = sp.GetRequiredKeyedService<LlmProvider>("g").Capabilities;

        Assert.Null(capabilities.ContextWindow);
        Assert.Null(capabilities.MaxOutputTokens);
    }

    [Fact]
    public void AddGemini_MissingModel_FailsValidationNamingTheKey()
    {
        var services = new ServiceCollection();
        services.AddLlmProviders(Config(("Llm:Providers:gem:Type", "Gemini"), ("Llm:Providers:gem:ApiKey", "k")).GetSection("Llm")).AddGemini();
        using var sp = services.BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => sp.GetRequiredService<IOptionsMonitor<LlmProviderOptions>>().Get("gem"));

        Assert.Contains("Llm:Providers:gem:Model is required, for example gemini-2.5-flash.", ex.Failures);
    }

    [Fact]
    public void AddGemini_InvalidModel_FailsValidationNamingTheKey()
    {
        var services = new ServiceCollection();
        services.AddLlmProviders(Config(GeminiConfig(extra: [("Llm:Providers:gem:Model", "gemini 2.5")])).GetSection("Llm")).AddGemini();
        using var sp = services.BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => sp.GetRequiredService<IOptionsMonitor<LlmProviderOptions>>().Get("gem"));

        Assert.Contains("Llm:Providers:gem:Model must be a Gemini model name such as gemini-2.5-flash or models/gemini-2.5-flash (was 'gemini 2.5').", ex.Failures);
    }

    [Fact]
    public void AddGemini_InvalidApiVersion_FailsValidationNamingTheKey()
    {
        var services = new ServiceCollection();
        services.AddLlmProviders(Config(GeminiConfig(extra: [("Llm:Providers:gem:ApiVersion", "v1beta/../x")])).GetSection("Llm")).AddGemini();
        using var sp = services.BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => sp.GetRequiredService<IOptionsMonitor<GeminiOptions>>().Get("gem"));

        Assert.Equal(
            "Llm:Providers:gem:ApiVersion must be one path segment of letters, digits, '.', '-' or '_', for example v1beta (was 'v1beta/../x').",
            Assert.Single(ex.Failures));
    }

    [Fact]
    public void AddGemini_UnknownSafetyThreshold_FailsValidationNamingTheKey()
    {
        var services = new ServiceCollection();
        services.AddLlmProviders(Config(GeminiConfig(extra: [("Llm:Providers:gem:SafetySettings:HARM_CATEGORY_HARASSMENT", "BLOCK_MOST")])).GetSection("Llm")).AddGemini();
        using var sp = services.BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => sp.GetRequiredService<IOptionsMonitor<GeminiOptions>>().Get("gem"));

        Assert.Equal(
            "Llm:Providers:gem:SafetySettings:HARM_CATEGORY_HARASSMENT has an unknown threshold 'BLOCK_MOST'; expected one of: HARM_BLOCK_THRESHOLD_UNSPECIFIED, BLOCK_LOW_AND_ABOVE, BLOCK_MEDIUM_AND_ABOVE, BLOCK_ONLY_HIGH, BLOCK_NONE, OFF.",
            Assert.Single(ex.Failures));
    }

    [Fact]
    public async Task AddGemini_SafetyAndPortabilityFromTheProviderSection_ReachTheClient()
    {
        var services = new ServiceCollection();
        services.AddLlmProviders(Config(GeminiConfig(extra: [("Llm:Providers:gem:SafetySettings:HARM_CATEGORY_HATE_SPEECH", "BLOCK_NONE"), ("Llm:Providers:gem:Portability:ForeignReasoning", "Text")])).GetSection("Llm")).AddGemini();
        using var sp = services.BuildServiceProvider();
        _server.EnqueueJson(200, GeminiWireJson.Text("ok"));
        var foreign = new TextReasoningContent("Claude reasoned.") { ProtectedData = "claude-sig" };
        foreign.SetOrigin(LlmProviderFamily.Anthropic);

        await sp.GetRequiredKeyedService<IChatClient>("gem").GetResponseAsync([new(ChatRole.User, "Q"), new(ChatRole.Assistant, [foreign]), new(ChatRole.User, "Q2")], cancellationToken: Ct);

        var body = _server.Requests[0].Json;
        Assert.Equal("BLOCK_NONE", body.GetProperty("safetySettings")[0].GetProperty("threshold").GetString());
        var part = body.GetProperty("contents")[1].GetProperty("parts")[0];
        Assert.Equal("Claude reasoned.", part.GetProperty("text").GetString());
        Assert.False(part.TryGetProperty("thoughtSignature", out _));
        Assert.Equal(LlmReasoningPortability.Text, sp.GetRequiredService<IOptionsMonitor<LlmPortabilityOptions>>().Get("gem").ForeignReasoning);
    }

    [Fact]
    public void AddGemini_InvalidPortabilityValue_FailsAtStartNamingTheProvidersKey()
    {
        var services = new ServiceCollection();
        services.AddLlmProviders(Config(GeminiConfig(extra: [("Llm:Providers:gem:Portability:UnknownOrigin", "5")])).GetSection("Llm")).AddGemini();
        using var sp = services.BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => sp.GetRequiredService<IOptionsMonitor<LlmPortabilityOptions>>().Get("gem"));

        Assert.Equal("Llm:Providers:gem:Portability:UnknownOrigin has an unknown value '5'; expected one of: Keep, Foreign.", Assert.Single(ex.Failures));
    }

    [Fact]
    public void AddGemini_CalledTwice_RegistersOnce()
    {
        var services = new ServiceCollection();
        var builder = services.AddLlmProviders(Config(GeminiConfig()).GetSection("Llm"));
        builder.AddGemini().AddGemini().AddGeminiProvider("gem");

        Assert.Single(services, d => d.ServiceType == typeof(GeminiRegistration));
        using var sp = services.BuildServiceProvider();
        Assert.NotNull(sp.GetRequiredKeyedService<IChatClient>("gem").GetService(typeof(GeminiChatClient)));
    }

    [Fact]
    public void CreateClient_HttpClient_HasNoClientTimeout()
    {
        var services = new ServiceCollection();
        services.AddLlmProviders().AddGemini().AddProvider("plain", "Gemini", o => { o.Model = "gemini-2.5-flash"; o.ApiKey = "k"; });
        using var sp = services.BuildServiceProvider();

        var client = (GeminiChatClient)sp.GetRequiredKeyedService<IChatClient>("plain").GetService(typeof(GeminiChatClient))!;
        var http = (HttpClient)typeof(GeminiChatClient).GetField("_httpClient", BindingFlags.NonPublic | BindingFlags.Instance)!.GetValue(client)!;

        Assert.Equal(Timeout.InfiniteTimeSpan, http.Timeout);
    }

    [Fact]
    public void Extensions_NullArguments_Throw()
    {
        Assert.Throws<ArgumentNullException>(() => GeminiLlmProvidersBuilderExtensions.AddGemini(null!));
        Assert.Throws<ArgumentNullException>(() => GeminiLlmProvidersBuilderExtensions.AddGeminiProvider(null!, "g"));
        var builder = new ServiceCollection().AddLlmProviders();
        Assert.Throws<ArgumentNullException>(() => builder.AddGeminiProvider(null!));
        Assert.Throws<ArgumentException>(() => builder.AddGeminiProvider(" "));
    }

    private sealed class MarkingHandler : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            request.Headers.Add("x-marked", "yes");
            return base.SendAsync(request, cancellationToken);
        }
    }
}
