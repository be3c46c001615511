using System.Text.Json;
using LlmFallback.OpenAI.Tests.Wire;
using LlmFallback.Conformance;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace LlmFallback.OpenAI.Tests.DependencyInjection;

public sealed class OpenAILlmProvidersBuilderExtensionsTests : IAsyncLifetime
{
    private readonly OpenAILoopbackServer _server = new();

    public ValueTask InitializeAsync() => new(_server.StartAsync(TestContext.Current.CancellationToken));

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    [Fact]
    public async Task AddOpenAI_ProvidersDeclaredInConfiguration_ServeEveryType()
    {
        var config = new Dictionary<string, string?>
        {
            ["Llm:Providers:openai:Type"] = "OpenAI",
            ["Llm:Providers:openai:Model"] = "gpt-4o-mini",
            ["Llm:Providers:openai:Endpoint"] = _server.V1().ToString(),
            ["Llm:Providers:openai:ApiKey"] = "test-key",
            ["Llm:Providers:openai:Organization"] = "org-test",
            ["Llm:Providers:azure:Type"] = "AzureOpenAI",
            ["Llm:Providers:azure:Model"] = "my-deployment",
            ["Llm:Providers:azure:Endpoint"] = _server.BaseAddress.ToString(),
            ["Llm:Providers:azure:ApiKey"] = "azure-key",
            ["Llm:Providers:local:Type"] = "OpenAICompatible",
            ["Llm:Providers:local:Preset"] = "llama.cpp",
            ["Llm:Providers:local:Endpoint"] = _server.V1().ToString(),
            ["Llm:Providers:local:Model"] = "qwen2.5-7b-instruct",
        };
        await using var sp = TestProviders.Build(b => b.AddOpenAI(), config);
        var ct = TestContext.Current.CancellationToken;

        foreach (var name in new[] { "openai", "azure", "local" })
        {
            _server.Enqueue(WireScenario.Text("hi from " + name));
            var response = await sp.GetRequiredKeyedService<IChatClient>(name).GetResponseAsync(TestProviders.Conversation, cancellationToken: ct);
            Assert.Equal("hi from " + name, response.Text);
        }

        var (openai, azure, local) = (_server.Requests[0], _server.Requests[1], _server.Requests[2]);
        Assert.Equal("/v1/chat/completions", openai.Path);
        Assert.Equal("Bearer test-key", openai.Header("Authorization"));
        Assert.Equal("org-test", openai.Header("OpenAI-Organization"));
        Assert.Equal("/openai/v1/chat/completions", azure.Path);
        Assert.Equal("azure-key", azure.Header("api-key"));
        Assert.Null(azure.Header("Authorization"));
        Assert.Equal("my-deployment", azure.Json.GetProperty("model").GetString());
        Assert.Null(local.Header("Authorization"));
        Assert.Equal("qwen2.5-7b-instruct", local.Json.GetProperty("model").GetString());
        Assert.True(sp.GetRequiredService<LlmProviderRegistry>().GetProvider("local").Capabilities.PrefillContinuation);
    }

    [Fact]
    public async Task AddOpenAIProvider_CodeFirst_SendsDocumentedRequest()
    {
        await using var sp = TestProviders.Build(b => b.AddOpenAIProvider(
            "openai",
            o => { o.Model = "gpt-4o-mini"; o.Endpoint = _server.V1(); o.ApiKey = "test-key"; },
            o => { o.Organization = "org-1"; o.Project = "proj-1"; o.Headers["X-Title"] = "LlmFallback tests"; }));
        _server.Enqueue(WireScenario.Text("hi"));

        await sp.GetRequiredKeyedService<IChatClient>("openai").GetResponseAsync(TestProviders.Conversation, cancellationToken: TestContext.Current.CancellationToken);

        var request = _server.Requests[0];
        Assert.Equal("POST", request.Method);
        Assert.Equal("/v1/chat/completions", request.Path);
        Assert.Equal(string.Empty, request.QueryString);
        Assert.Equal("Bearer test-key", request.Header("Authorization"));
        Assert.Equal("org-1", request.Header("OpenAI-Organization"));
        Assert.Equal("proj-1", request.Header("OpenAI-Project"));
        Assert.Equal("LlmFallback tests", request.Header("X-Title"));
        Assert.Equal("gpt-4o-mini", request.Json.GetProperty("model").GetString());
        var messages = request.Json.GetProperty("messages");
        Assert.Equal("system", messages[0].GetProperty("role").GetString());
        Assert.Equal("You are terse.", messages[0].GetProperty("content").GetString());
        Assert.Equal("user", messages[1].GetProperty("role").GetString());
        Assert.False(request.Json.TryGetProperty("stream", out _));
    }

    [Theory]
    [InlineData(null, "")]
    [InlineData("preview", "?api-version=preview")]
    public async Task AddAzureOpenAIProvider_ResourceRoot_CallsV1PathWithApiKeyHeader(string? apiVersion, string query)
    {
        await using var sp = TestProviders.Build(b => b.AddAzureOpenAIProvider(
            "azure",
            o => { o.Model = "chat-deployment"; o.Endpoint = _server.BaseAddress; o.ApiKey = "azure-key"; },
            o => o.ApiVersion = apiVersion));
        _server.Enqueue(WireScenario.Text("hi"));

        await sp.GetRequiredKeyedService<IChatClient>("azure").GetResponseAsync(TestProviders.Conversation, cancellationToken: TestContext.Current.CancellationToken);

        var request = _server.Requests[0];
        Assert.Equal("/openai/v1/chat/completions", request.Path);
        Assert.Equal(query, request.QueryString);
        Assert.Equal("azure-key", request.Header("api-key"));
        Assert.Null(request.Header("Authorization"));
        Assert.Equal("chat-deployment", request.Json.GetProperty("model").GetString());
    }

    [Fact]
    public async Task AddOpenAICompatibleProvider_SelfHostedPresetWithoutKey_SendsNoCredentials()
    {
        await using var sp = TestProviders.Build(b => b.AddOpenAICompatibleProvider("local", OpenAICompatiblePresets.VLlm, o => { o.Model = "llama"; o.Endpoint = _server.V1(); }));
        _server.Enqueue(WireScenario.Text("hi"));

        await sp.GetRequiredKeyedService<IChatClient>("local").GetResponseAsync(TestProviders.Conversation, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Null(_server.Requests[0].Header("Authorization"));
        Assert.Null(_server.Requests[0].Header("api-key"));
    }

    [Fact]
    public async Task AddOpenAIProvider_KeyFromEnvironmentVariable_SentAsBearer()
    {
        var variable = "LLMFB_TEST_KEY_" + Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable(variable, "env-key");
        try
        {
            await using var sp = TestProviders.Build(b => b.AddOpenAIProvider("openai", o => { o.Model = "gpt-4o"; o.Endpoint = _server.V1(); }, o => o.ApiKeyEnvironmentVariable = variable));
            _server.Enqueue(WireScenario.Text("hi"));

            await sp.GetRequiredKeyedService<IChatClient>("openai").GetResponseAsync(TestProviders.Conversation, cancellationToken: TestContext.Current.CancellationToken);

            Assert.Equal("Bearer env-key", _server.Requests[0].Header("Authorization"));
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
        }
    }

    [Fact]
    public async Task AddOpenAIProvider_NamedHttpClient_CarriesTheRequest()
    {
        var handler = new CountingHandler();
        await using var sp = TestProviders.Build(
            b => b.AddOpenAIProvider("openai", o => { o.Model = "gpt-4o"; o.Endpoint = _server.V1(); o.ApiKey = "test-key"; }),
            services: s => s.AddHttpClient(LlmHttpClientServiceCollectionExtensions.GetLlmHttpClientName("openai")).AddHttpMessageHandler(() => handler));
        _server.Enqueue(WireScenario.Text("hi"));

        await sp.GetRequiredKeyedService<IChatClient>("openai").GetResponseAsync(TestProviders.Conversation, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(1, handler.Count);
        var clientOptions = sp.GetRequiredService<IOptionsMonitor<HttpClientFactoryOptions>>().Get(LlmHttpClientServiceCollectionExtensions.GetLlmHttpClientName("openai"));
        var client = new HttpClient();
        foreach (var action in clientOptions.HttpClientActions)
        {
            action(client);
        }

        Assert.Equal(Timeout.InfiniteTimeSpan, client.Timeout);
    }

    [Fact]
    public async Task AddOpenAIProvider_ServerError_SdkDoesNotRetry()
    {
        await using var sp = TestProviders.Build(b => b.AddOpenAIProvider("openai", o => { o.Model = "gpt-4o"; o.Endpoint = _server.V1(); o.ApiKey = "test-key"; }));
        _server.Enqueue(WireScenario.Error(WireError.ServerError));
        _server.Enqueue(WireScenario.Text("a retry would get this"));
        var provider = sp.GetRequiredKeyedService<LlmProvider>("openai");

        var ex = await Assert.ThrowsAnyAsync<Exception>(() => provider.Client.GetResponseAsync(TestProviders.Conversation, cancellationToken: TestContext.Current.CancellationToken));

        Assert.Single(_server.Requests);
        Assert.Equal(LlmFailureKind.ServerError, provider.Classify(ex).Kind);
        Assert.Equal(500, provider.Classify(ex).StatusCode);
    }

    [Fact]
    public async Task AddOpenAIProvider_SameNameInConfiguration_BindsAdapterOptionsFromSection()
    {
        var config = new Dictionary<string, string?>
        {
            ["Llm:Providers:groq:Model"] = "llama-3.1-8b-instant",
            ["Llm:Providers:groq:ApiKey"] = "groq-key",
            ["Llm:Providers:groq:Preset"] = "Groq",
            ["Llm:Providers:groq:Headers:X-Trace"] = "on",
        };
        await using var sp = TestProviders.Build(b => b.AddOpenAICompatibleProvider("groq", o => o.Endpoint = _server.V1()), config);
        _server.Enqueue(WireScenario.Text("hi"));

        await sp.GetRequiredKeyedService<IChatClient>("groq").GetResponseAsync(TestProviders.Conversation, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal("Groq", sp.GetRequiredService<IOptionsMonitor<OpenAIProviderOptions>>().Get("groq").Preset);
        Assert.Equal("Bearer groq-key", _server.Requests[0].Header("Authorization"));
        Assert.Equal("on", _server.Requests[0].Header("X-Trace"));
    }

    [Fact]
    public async Task AddOpenAIProvider_NetworkTimeout_ReachesTheSdk()
    {
        await using var sp = TestProviders.Build(b => b.AddOpenAIProvider(
            "openai",
            o => { o.Model = "gpt-4o"; o.Endpoint = _server.V1(); o.ApiKey = "test-key"; },
            o => o.NetworkTimeout = TimeSpan.FromMilliseconds(30)));
        var never = new TaskCompletionSource();
        _server.Enqueue(WireScenario.SlowFirstByte(never.Task, WireScenario.Text("too late")));
        var provider = sp.GetRequiredKeyedService<LlmProvider>("openai");

        var ex = await Assert.ThrowsAnyAsync<Exception>(() => provider.Client.GetResponseAsync(TestProviders.Conversation, cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal(LlmFailureKind.Timeout, provider.Classify(ex).Kind);
        // No SDK retry after the timeout. On a loaded machine the 30 ms may even pass before the request is read.
        Assert.InRange(_server.Requests.Count, 0, 1);
    }

    [Fact]
    public async Task AddOpenAIProvider_ConnectionRefused_IsTransport()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        await using var sp = TestProviders.Build(b => b.AddOpenAIProvider("openai", o => { o.Model = "gpt-4o"; o.Endpoint = new($"http://127.0.0.1:{port}/v1"); o.ApiKey = "test-key"; }));
        var provider = sp.GetRequiredKeyedService<LlmProvider>("openai");

        var ex = await Assert.ThrowsAnyAsync<Exception>(() => provider.Client.GetResponseAsync(TestProviders.Conversation, cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal(LlmFailureKind.Transport, provider.Classify(ex).Kind);
        Assert.DoesNotContain("test-key", ex.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddOpenAIProvider_KeyedServices_AreSingletonsOfTheRegistry()
    {
        await using var sp = TestProviders.Build(b => b.AddOpenAIProvider("openai", o => { o.Model = "gpt-4o"; o.Endpoint = _server.V1(); o.ApiKey = "test-key"; }));

        var provider = sp.GetRequiredKeyedService<LlmProvider>("openai");

        Assert.Same(provider, sp.GetRequiredKeyedService<LlmProvider>("openai"));
        Assert.Same(provider.Client, sp.GetRequiredKeyedService<IChatClient>("openai"));
        Assert.Same(provider, sp.GetRequiredService<LlmProviderRegistry>().GetProvider("openai"));
        Assert.Equal("OpenAI", provider.Type);
        Assert.Equal(128_000, provider.Capabilities.ContextWindow);
    }

    [Fact]
    public void AddOpenAI_ProvidersOfTwoServiceProviders_ClassifyWithTheirOwnClock()
    {
        var services = new ServiceCollection();
        services.AddLlmProviders().AddOpenAIProvider("p", o => { o.Model = "gpt-4o-mini"; o.ApiKey = "test-key"; });
        var early = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero));
        var late = new FakeTimeProvider(early.GetUtcNow().AddSeconds(20));
        services.AddSingleton<TimeProvider>(early);
        using var first = services.BuildServiceProvider();
        var a = first.GetRequiredKeyedService<LlmProvider>("p");
        services.AddSingleton<TimeProvider>(late);
        using var second = services.BuildServiceProvider();
        var b = second.GetRequiredKeyedService<LlmProvider>("p");
        var error = TestPipelineResponse.Exception(429, "{}", ("Retry-After", "Thu, 01 Jan 2026 12:00:30 GMT"));

        Assert.Equal(TimeSpan.FromSeconds(30), a.Classify(error).RetryAfter);
        Assert.Equal(TimeSpan.FromSeconds(10), b.Classify(error).RetryAfter);
        Assert.Equal(TimeSpan.FromSeconds(30), a.Classify(error).RetryAfter);
    }

    [Fact]
    public void AddOpenAI_CalledTwice_RegistersOnce()
    {
        var services = new ServiceCollection();
        var builder = services.AddLlmProviders();
        builder.AddOpenAI();
        var count = services.Count;

        builder.AddOpenAI();

        Assert.Equal(count, services.Count);
    }

    [Fact]
    public void AddProviderMethods_NullArguments_Throw()
    {
        var builder = new ServiceCollection().AddLlmProviders();

        Assert.Throws<ArgumentNullException>(() => OpenAILlmProvidersBuilderExtensions.AddOpenAI(null!));
        Assert.Throws<ArgumentNullException>(() => OpenAILlmProvidersBuilderExtensions.AddOpenAIProvider(null!, "a"));
        Assert.Throws<ArgumentNullException>(() => builder.AddOpenAIProvider(null!));
        Assert.Throws<ArgumentException>(() => builder.AddAzureOpenAIProvider(" "));
        Assert.Throws<ArgumentNullException>(() => builder.AddOpenAICompatibleProvider("a", preset: null!));
    }

    private sealed class CountingHandler : DelegatingHandler
    {
        private int _count;

        public int Count => _count;

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _count);
            return base.SendAsync(request, cancellationToken);
        }
    }
}
