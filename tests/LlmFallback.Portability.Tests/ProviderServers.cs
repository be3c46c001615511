using LlmFallback.Anthropic.Tests;
using LlmFallback.Conformance;
using LlmFallback.Gemini.Tests.Conformance;
using LlmFallback.OpenAI.Tests.Wire;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace LlmFallback.Portability.Tests;

/// <summary>
/// One loopback server per provider family and a fallback pipeline over them, as an application builds it:
/// <c>AddLlmProviders</c>, the three adapters, <c>AddFallbackChatClient(a, b)</c> and function invocation on top.
/// </summary>
internal sealed class ProviderServers : IAsyncDisposable
{
    public const string OpenAI = "openai";
    public const string Anthropic = "anthropic";
    public const string Gemini = "gemini";

    public static readonly TimeSpan BreakDuration = TimeSpan.FromSeconds(10);

    public static readonly string[] Names = [OpenAI, Anthropic, Gemini];

    private readonly Dictionary<string, LoopbackProviderServer> _servers = new(StringComparer.Ordinal)
    {
        [OpenAI] = new OpenAILoopbackServer(),
        [Anthropic] = new AnthropicLoopbackServer(),
        [Gemini] = new GeminiLoopbackServer(),
    };

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 6, 1, 9, 0, 0, TimeSpan.Zero));

    public LoopbackProviderServer this[string name] => _servers[name];

    public IEnumerable<LoopbackProviderServer> All => _servers.Values;

    public static async Task<ProviderServers> StartAsync(CancellationToken cancellationToken)
    {
        var servers = new ProviderServers();
        foreach (var server in servers._servers.Values)
        {
            await server.StartAsync(cancellationToken);
        }

        return servers;
    }

    /// <summary>
    /// Builds the application's client over the chain: a provider opens its breaker at its first failure, so a failed
    /// provider stays out of the rest of the tool loop until <see cref="BreakDuration"/> has passed.
    /// </summary>
    public ServiceProvider Build(string[] chain, bool portability = true)
    {
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(Time);
        services.AddLlmProviders()
            .AddOpenAIProvider(OpenAI, o => Configure(o, "gpt-4o-mini", new Uri(this[OpenAI].BaseAddress, "v1")))
            .AddAnthropicProvider(Anthropic, o => Configure(o, AnthropicLoopbackServer.Model, this[Anthropic].BaseAddress))
            .AddGeminiProvider(Gemini, o => Configure(o, "gemini-3-flash-preview", this[Gemini].BaseAddress))
            .AddPortability(o => o.Enabled = portability);
        services.AddFallbackChatClient(chain).UseFunctionInvocation();
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var server in _servers.Values)
        {
            await server.DisposeAsync();
        }
    }

    private static void Configure(LlmProviderOptions options, string model, Uri endpoint)
    {
        options.Model = model;
        options.Endpoint = endpoint;
        options.ApiKey = "test-key";
        options.Resilience.MaxRetries = 0;
        options.Resilience.CircuitBreaker.ConsecutiveFailures = 1;
        options.Resilience.CircuitBreaker.BreakDuration = BreakDuration;
    }
}
