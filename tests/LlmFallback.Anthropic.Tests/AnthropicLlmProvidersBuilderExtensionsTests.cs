using System.Net.Http;
using LlmFallback.Conformance;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;

namespace LlmFallback.Anthropic.Tests;

public sealed class AnthropicLlmProvidersBuilderExtensionsTests : AnthropicServerTest
{
    [Fact]
    public void AddAnthropic_NullBuilder_Throws()
    {
        Assert.Throws<ArgumentNullException>("builder", () => AnthropicLlmProvidersBuilderExtensions.AddAnthropic(null!));
    }

    [Fact]
    public void AddAnthropicProvider_NullBuilder_Throws()
    {
        Assert.Throws<ArgumentNullException>("builder", () => AnthropicLlmProvidersBuilderExtensions.AddAnthropicProvider(null!, "claude"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData(" ")]
    public void AddAnthropicProvider_NoName_Throws(string? name)
    {
        var builder = new ServiceCollection().AddLlmProviders();

        Assert.ThrowsAny<ArgumentException>(() => builder.AddAnthropicProvider(name!));
    }

    [Fact]
    public void AddAnthropicProvider_KeyedServices_AreTheRegistrySingletons()
    {
        using var services = AnthropicTestServices.Build(Server.BaseAddress);

        var provider = services.GetRequiredKeyedService<LlmProvider>("claude");

        Assert.Same(provider, services.GetRequiredService<LlmProviderRegistry>().GetProvider("claude"));
        Assert.Same(provider.Client, services.GetRequiredKeyedService<IChatClient>("claude"));
        Assert.Same(provider, services.GetRequiredKeyedService<LlmProvider>("claude"));
        Assert.Equal(AnthropicLoopbackServer.Model, provider.Model);
    }

    [Fact]
    public void AddAnthropic_CalledAgain_RegistersOnce()
    {
        var services = new ServiceCollection();
        services.AddLlmProviders().AddAnthropic().AddAnthropic().AddAnthropicProvider("a").AddAnthropicProvider("b").AddAnthropicProvider("a");

        Assert.Single(services, d => d.ServiceType == typeof(AnthropicRegistration));
        Assert.Single(services, d => d.ImplementationInstance is AnthropicOptionsValidator);
        Assert.Equal(2, services.Count(d => d.ServiceType == typeof(IValidateOptions<AnthropicProviderOptions>) || d.ImplementationInstance is AnthropicProviderOptionsValidator));
    }

    [Fact]
    public async Task Provider_UsesItsNamedHttpClient()
    {
        var counter = new CountingHandler();
        await using var services = AnthropicTestServices.Build(
            Server.BaseAddress,
            services: s => s.AddHttpClient(LlmHttpClientServiceCollectionExtensions.GetLlmHttpClientName("claude")).AddHttpMessageHandler(() => counter));
        Server.Enqueue(WireScenario.Text("ok"));

        await services.GetRequiredKeyedService<IChatClient>("claude").GetResponseAsync([new(ChatRole.User, "Say hi")], cancellationToken: Token);

        Assert.Equal(1, counter.Requests);
        Assert.Equal(Timeout.InfiniteTimeSpan, services.GetRequiredService<IHttpClientFactory>().CreateClient(LlmHttpClientServiceCollectionExtensions.GetLlmHttpClientName("claude")).Timeout);
    }

    [Theory]
    [InlineData(WireError.Overloaded)]
    [InlineData(WireError.RateLimited)]
    [InlineData(WireError.ServerError)]
    public async Task Provider_RetryableError_SdkDoesNotRetry(WireError error)
    {
        await using var services = AnthropicTestServices.Build(Server.BaseAddress);
        Server.Enqueue(WireScenario.Error(error, retryAfter: "0"));
        Server.Enqueue(WireScenario.Text("second attempt"));

        await Assert.ThrowsAnyAsync<Exception>(() => services.GetRequiredKeyedService<IChatClient>("claude").GetResponseAsync([new(ChatRole.User, "Say hi")], cancellationToken: Token));

        Assert.Single(Server.Requests);
    }

    [Fact]
    public async Task AddAnthropic_ProviderDeclaredInConfiguration_IsServedWithItsSettings()
    {
        await using var services = AnthropicTestServices.FromConfiguration(new Dictionary<string, string?>
        {
            ["Llm:Providers:claude:Type"] = "Anthropic",
            ["Llm:Providers:claude:Model"] = "claude-haiku-4-5",
            ["Llm:Providers:claude:Endpoint"] = Server.BaseAddress.ToString(),
            ["Llm:Providers:claude:ApiKey"] = "config-key",
            ["Llm:Providers:claude:ApiVersion"] = "2025-01-01",
            ["Llm:Providers:claude:Betas:0"] = "files-api-2025-04-14",
            ["Llm:Providers:claude:MaxTokens"] = "1234",
        });
        Server.Enqueue(WireScenario.Text("ok"));

        var response = await services.GetRequiredKeyedService<IChatClient>("claude").GetResponseAsync([new(ChatRole.User, "Say hi")], cancellationToken: Token);

        Assert.Equal("ok", response.Text);
        var request = Assert.Single(Server.Requests);
        Assert.Equal("config-key", request.Headers["x-api-key"]);
        Assert.Equal("2025-01-01", request.Headers["anthropic-version"]);
        Assert.Equal("files-api-2025-04-14", request.Headers["anthropic-beta"]);
        Assert.Equal(1234, request.Json.GetProperty("max_tokens").GetInt32());
        Assert.Equal("claude-haiku-4-5", request.Json.GetProperty("model").GetString());
    }

    [Fact]
    public void Capabilities_KnownModelWithoutConfiguredValues_AreFilledFromTheCatalog()
    {
        using var services = AnthropicTestServices.Build(Server.BaseAddress, model: "claude-sonnet-4-5-20250929");

        var caps = services.GetRequiredKeyedService<LlmProvider>("claude").Capabilities;

        Assert.Equal(200_000, caps.ContextWindow);
        Assert.Equal(64_000, caps.MaxOutputTokens);
        Assert.True(caps.Tools);
        Assert.True(caps.Vision);
        Assert.True(caps.JsonSchema);
        Assert.True(caps.PrefillContinuation);
    }

    [Theory]
    [InlineData("claude-opus-4-6")]
    [InlineData("claude-sonnet-5-5")]
    public void Capabilities_ModelThatRejectsPrefill_IsNotAskedToContinue(string model)
    {
        using var services = AnthropicTestServices.Build(Server.BaseAddress, model: model);

        var caps = services.GetRequiredKeyedService<LlmProvider>("claude").Capabilities;

        Assert.False(caps.PrefillContinuation);
        Assert.Equal(1_000_000, caps.ContextWindow);
    }

    [Fact]
    public void Capabilities_ConfiguredValues_WinOverTheCatalog()
    {
        using var services = AnthropicTestServices.FromConfiguration(new Dictionary<string, string?>
        {
            ["Llm:Providers:claude:Type"] = "Anthropic",
            ["Llm:Providers:claude:Model"] = "claude-sonnet-4-5",
            ["Llm:Providers:claude:ApiKey"] = "k",
            ["Llm:Providers:claude:Capabilities:ContextWindow"] = "1000000",
            ["Llm:Providers:claude:Capabilities:Vision"] = "false",
            ["Llm:Providers:claude:Capabilities:PrefillContinuation"] = "false",
        });

        var caps = services.GetRequiredKeyedService<LlmProvider>("claude").Capabilities;

        Assert.Equal(1_000_000, caps.ContextWindow);
        Assert.Equal(64_000, caps.MaxOutputTokens);
        Assert.False(caps.Vision);
        Assert.False(caps.PrefillContinuation);
        Assert.True(caps.JsonSchema);
    }

    [Theory]
    [InlineData("claude-sonnet-4-5", null, true)]
    [InlineData("claude-sonnet-4-5", false, false)]
    [InlineData("claude-sonnet-4-5", true, true)]
    [InlineData("claude-opus-4-6", null, false)]
    [InlineData("claude-opus-4-6", true, true)]
    [InlineData("claude-opus-4-6", false, false)]
    public void Capabilities_PrefillSetInCode_ExplicitValueWinsOverTheCatalog(string model, bool? inCode, bool expected)
    {
        using var services = AnthropicTestServices.Build(Server.BaseAddress, model: model, configure: o =>
        {
            if (inCode is { } value)
            {
                o.Capabilities.PrefillContinuation = value;
            }
        });

        Assert.Equal(expected, services.GetRequiredKeyedService<LlmProvider>("claude").Capabilities.PrefillContinuation);
    }

    [Fact]
    public void Capabilities_VisionAndSchemaOffInCode_WinOverTheCatalog()
    {
        using var services = AnthropicTestServices.Build(Server.BaseAddress, model: "claude-sonnet-4-5", configure: o => (o.Capabilities.Vision, o.Capabilities.JsonSchema) = (false, false));

        var caps = services.GetRequiredKeyedService<LlmProvider>("claude").Capabilities;

        Assert.False(caps.Vision);
        Assert.False(caps.JsonSchema);
        Assert.Equal(200_000, caps.ContextWindow);
    }

    [Fact]
    public void Capabilities_ApplyModelDefaultsOff_LeavesThemUnset()
    {
        using var services = AnthropicTestServices.Build(Server.BaseAddress, configureAnthropic: o => o.ApplyModelDefaults = false);

        var caps = services.GetRequiredKeyedService<LlmProvider>("claude").Capabilities;

        Assert.Null(caps.ContextWindow);
        Assert.False(caps.PrefillContinuation);
    }

    [Fact]
    public void Capabilities_UnknownModel_AreLeftUnset()
    {
        using var services = AnthropicTestServices.Build(Server.BaseAddress, model: "claude-next-9");

        var caps = services.GetRequiredKeyedService<LlmProvider>("claude").Capabilities;

        Assert.Null(caps.ContextWindow);
        Assert.Null(caps.MaxOutputTokens);
        Assert.False(caps.PrefillContinuation);
    }

    [Theory]
    [InlineData("claude-next-9", true)]
    [InlineData("claude-haiku-4-5", false)]
    public void Provider_ModelMissingFromTheTable_IsLoggedAsWarning(string model, bool warned)
    {
        var logs = new FakeLogCollector();
        using var services = AnthropicTestServices.Build(Server.BaseAddress, model: model, services: s => s.AddLogging(b => b.SetMinimumLevel(LogLevel.Debug).AddProvider(new FakeLoggerProvider(logs))));

        services.GetRequiredKeyedService<LlmProvider>("claude");

        var warning = logs.GetSnapshot().SingleOrDefault(r => r.Id.Id == 3002);
        Assert.Equal(warned, warning is not null);
        if (warned)
        {
            Assert.Equal(LogLevel.Warning, warning!.Level);
            Assert.Contains("'claude'", warning.Message, StringComparison.Ordinal);
        }

        Assert.Single(logs.GetSnapshot(), r => r.Id.Id == 3001);
        Assert.DoesNotContain(logs.GetSnapshot(), r => r.Message.Contains(AnthropicTestServices.ApiKey, StringComparison.Ordinal));
    }

    [Fact]
    public void Validation_BadAdapterSetting_FailsNamingTheKey()
    {
        using var services = AnthropicTestServices.Build(Server.BaseAddress, configureAnthropic: o => o.ApiVersion = "v1");

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredKeyedService<LlmProvider>("claude"));

        Assert.Contains("Llm:Providers:claude:ApiVersion must be a Messages API version date", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validation_NoModel_FailsNamingTheKey()
    {
        using var services = AnthropicTestServices.FromConfiguration(new Dictionary<string, string?>
        {
            ["Llm:Providers:claude:Type"] = "Anthropic",
            ["Llm:Providers:claude:ApiKey"] = "k",
        });

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptionsMonitor<LlmProviderOptions>>().Get("claude"));

        Assert.Contains("Llm:Providers:claude:Model is required for an Anthropic provider", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Failure_ApiKeyNeverInExceptionOrFailureText()
    {
        await using var services = AnthropicTestServices.Build(Server.BaseAddress, configure: o => o.ApiKey = "sk-ant-api03-secret");
        Server.Enqueue(WireScenario.Error(WireError.Unauthorized));
        var provider = services.GetRequiredKeyedService<LlmProvider>("claude");
        using var fallback = new FallbackChatClient([provider]);

        var error = await Assert.ThrowsAnyAsync<LlmException>(() => fallback.GetResponseAsync([new(ChatRole.User, "Say hi")], cancellationToken: Token));

        Assert.Equal(LlmFailureKind.Authentication, error.Attempts[0].Kind);
        Assert.DoesNotContain("secret", error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("secret", error.Attempts[0].ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("secret", Assert.Single(Server.Requests).Path + Assert.Single(Server.Requests).QueryString, StringComparison.Ordinal);
    }

    private sealed class CountingHandler : DelegatingHandler
    {
        public int Requests { get; private set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Requests++;
            return base.SendAsync(request, cancellationToken);
        }
    }
}
