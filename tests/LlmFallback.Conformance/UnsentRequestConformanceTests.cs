using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace LlmFallback.Conformance;

/// <summary>
/// A request the adapter cannot write (JSON read from a caller that escapes an unpaired surrogate, in a tool schema or
/// in tool-call arguments: no .NET string can be read from it) fails before anything is sent: the caller's mistake,
/// never the provider's. The serializer's JsonException classified as a server error, so one caller's request failed
/// over to every provider and opened every breaker. Derive it in the adapter's test project, with two providers of the
/// adapter behind a fallback stage; an exception after sending (a malformed answer) stays the provider's failure.
/// </summary>
public abstract class UnsentRequestConformanceTests<TServer> : IAsyncLifetime
    where TServer : LoopbackProviderServer, new()
{
    protected const string ApiKey = "test-key";

    private readonly List<ServiceProvider> _services = [];

    protected TServer Primary { get; } = new();

    protected TServer Secondary { get; } = new();

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        await Primary.StartAsync(Ct);
        await Secondary.StartAsync(Ct);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var sp in _services)
        {
            await sp.DisposeAsync();
        }

        await Primary.DisposeAsync();
        await Secondary.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    [Theory]
    [InlineData("unpaired surrogate in a schema", """{"type":"object","description":"\udc00"}""", false)]
    [InlineData("unpaired surrogate in a property name", """{"type":"object","properties":{"\udc00":{"type":"string"}}}""", false)]
    [InlineData("unpaired surrogate escaped in tool-call arguments", "", false)]
    [InlineData("unpaired surrogate in a schema", """{"type":"object","description":"\udc00"}""", true)]
    [InlineData("unpaired surrogate in a property name", """{"type":"object","properties":{"\udc00":{"type":"string"}}}""", true)]
    [InlineData("unpaired surrogate escaped in tool-call arguments", "", true)]
    public Task Request_TheAdapterCannotWrite_ArgumentExceptionNothingSentBreakersClosed(string what, string schema, bool stream) =>
        AssertRejectedUnsentAsync(what, schema, stream);

    [Fact]
    public async Task GetResponseAsync_MalformedJsonWithStatus200_IsStillTheProvidersServerError()
    {
        var sp = Build();
        Primary.Enqueue(WireScenario.Raw(200, "application/json", """{"id":"1","choices":[{"content":[{"""));
        Secondary.Enqueue(WireScenario.Text("from secondary"));

        var response = await sp.GetRequiredService<IChatClient>().GetResponseAsync([new(ChatRole.User, "Say hi")], cancellationToken: Ct);

        Assert.Equal("from secondary", response.Text);
        Assert.Single(Primary.Requests);
        Assert.Equal(LlmFailureKind.ServerError, response.GetLlmCallInfo()!.FallbackReason);
        var health = sp.GetRequiredKeyedService<LlmProvider>("primary").GetHealth();
        Assert.Equal(LlmCircuitState.Open, health.State);
        Assert.Equal(LlmFailureKind.ServerError, health.LastFailureKind);
    }

    /// <summary>Registers the adapter's provider <paramref name="name"/>, served by <paramref name="server"/>, applying <paramref name="configure"/> last.</summary>
    protected abstract void AddProvider(LlmProvidersBuilder providers, string name, TServer server, Action<LlmProviderOptions> configure);

    /// <summary>Sends a request with a tool of <paramref name="schema"/> (or <see cref="Request"/>'s arguments) through both providers and asserts it was rejected unsent.</summary>
    protected async Task AssertRejectedUnsentAsync(string what, string schema, bool stream)
    {
        var sp = Build();
        var (messages, options) = Request(schema);
        var chat = sp.GetRequiredService<IChatClient>();

        var error = await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            if (!stream)
            {
                await chat.GetResponseAsync(messages, options, Ct);
                return;
            }

            await foreach (var update in chat.GetStreamingResponseAsync(messages, options, Ct))
            {
            }
        });

        Assert.True(error is LlmProviderException { Kind: LlmFailureKind.BadRequest }, $"{what}: requests sent {Primary.Requests.Count} + {Secondary.Requests.Count}: {error}");
        var rejection = Assert.IsType<ArgumentException>(error.InnerException);
        Assert.Contains("could not write the request for provider 'primary'", rejection.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("get_weather", rejection.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Par", rejection.Message, StringComparison.Ordinal);
        Assert.NotNull(rejection.InnerException);
        Assert.Contains(rejection.InnerException.GetType().FullName!, rejection.Message, StringComparison.Ordinal);
        Assert.Empty(Primary.Requests);
        Assert.Empty(Secondary.Requests);
        foreach (var name in (string[])["primary", "secondary"])
        {
            var health = sp.GetRequiredKeyedService<LlmProvider>(name).GetHealth();
            Assert.Equal(LlmCircuitState.Closed, health.State);
            Assert.Equal(0, health.ConsecutiveFailures);
            Assert.Null(health.LastFailureKind);
        }
    }

    /// <summary>A tool with <paramref name="schema"/>; or, without one, a tool call whose arguments were read from JSON that escapes an unpaired surrogate.</summary>
    private static (ChatMessage[] Messages, ChatOptions? Options) Request(string schema)
    {
        if (schema.Length == 0)
        {
            var city = JsonDocument.Parse("\"Par\\udc00is\"").RootElement.Clone();
            return (
            [
                new(ChatRole.User, "Weather in Paris?"),
                new(ChatRole.Assistant, [new FunctionCallContent("call_1", "get_weather", new Dictionary<string, object?> { ["city"] = city })]),
                new(ChatRole.Tool, [new FunctionResultContent("call_1", "sunny")]),
            ], null);
        }

        ChatOptions options = new() { Tools = [AIFunctionFactory.CreateDeclaration("get_weather", "Gets the weather.", JsonDocument.Parse(schema).RootElement.Clone())] };
        return ([new(ChatRole.User, "Say hi")], options);
    }

    private ServiceProvider Build()
    {
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero)));
        var providers = services.AddLlmProviders();
        AddProvider(providers, "primary", Primary, Configure);
        AddProvider(providers, "secondary", Secondary, Configure);
        services.AddFallbackChatClient("primary", "secondary");
        var sp = services.BuildServiceProvider();
        _services.Add(sp);
        return sp;
    }

    private static void Configure(LlmProviderOptions options)
    {
        options.Resilience.MaxRetries = 0;
        options.Resilience.CircuitBreaker.ConsecutiveFailures = 1;
    }
}
