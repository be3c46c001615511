using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using LlmFallback.Conformance;
using LlmFallback.OpenAI.Tests.Wire;
using LlmFallback.Samples.Gateway.Auth;
using LlmFallback.Samples.Gateway.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace LlmFallback.Samples.Gateway.Tests.Support;

/// <summary>
/// The gateway on Kestrel at 127.0.0.1 (port 0) with two OpenAI-compatible providers, <c>primary</c> and <c>backup</c>,
/// each a loopback server; routes <c>fast</c> (primary then backup, alias <c>default</c>) and <c>smart</c> (backup);
/// API keys <c>tester</c> (every model) and <c>limited</c> (<c>smart</c> only, 2 requests per minute); a fake clock.
/// Configuration comes only from here (the sample's appsettings.json and the environment are dropped).
/// </summary>
internal sealed class GatewayHost : IAsyncDisposable
{
    public static readonly string TesterKey = ApiKeyHasher.NewKey("tester");
    public static readonly string LimitedKey = ApiKeyHasher.NewKey("limited");

    private WebApplication? _app;

    private GatewayHost()
    {
    }

    public OpenAILoopbackServer Primary { get; } = new();

    public OpenAILoopbackServer Backup { get; } = new();

    /// <summary>Gets what the gateway logged.</summary>
    public LogSink Logs { get; } = new();

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 6, 1, 9, 0, 0, TimeSpan.Zero));

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>Gets a client whose requests carry the <c>tester</c> key.</summary>
    public HttpClient Client { get; private set; } = null!;

    public IServiceProvider Services => _app!.Services;

    /// <summary>Starts the upstreams and the gateway; <paramref name="configure"/> adds or overrides configuration values.</summary>
    public static async Task<GatewayHost> StartAsync(Action<Dictionary<string, string?>>? configure = null, bool withProviders = true)
    {
        var host = new GatewayHost();
        await host.Primary.StartAsync(TestContext.Current.CancellationToken);
        await host.Backup.StartAsync(TestContext.Current.CancellationToken);
        var settings = withProviders ? host.Settings() : new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        configure?.Invoke(settings);
        host._app = GatewayApp.Build([], builder =>
        {
            builder.Configuration.Sources.Clear();
            builder.Configuration.AddInMemoryCollection(settings);
            builder.Logging.ClearProviders();
            builder.Logging.AddProvider(host.Logs);
            builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
            builder.Services.AddSingleton<TimeProvider>(host.Time);
        });
        await host._app.StartAsync(TestContext.Current.CancellationToken);
        var address = host._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        host.BaseAddress = new Uri(address.EndsWith('/') ? address : address + "/");
        host.Client = host.NewClient(TesterKey);
        return host;
    }

    public HttpClient NewClient(string? key)
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        if (key is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        return client;
    }

    /// <summary>A chat completion request body for <paramref name="model"/>, with extra top-level JSON members.</summary>
    public static StringContent Chat(string model, string extra = "") =>
        new($$"""{"model":"{{model}}","messages":[{"role":"system","content":"Be terse."},{"role":"user","content":"Say hi"}]{{extra}}}""", Encoding.UTF8, "application/json");

    public static async Task<JsonElement> JsonAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>The <c>data:</c> payloads of a server-sent event stream, in order (<c>[DONE]</c> included).</summary>
    public static async Task<List<string>> EventsAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        var events = new List<string>();
        foreach (var block in text.Split("\n\n", StringSplitOptions.RemoveEmptyEntries))
        {
            foreach (var line in block.Split('\n'))
            {
                if (line.StartsWith("data: ", StringComparison.Ordinal))
                {
                    events.Add(line["data: ".Length..]);
                }
            }
        }

        return events;
    }

    public async ValueTask DisposeAsync()
    {
        Client?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync(CancellationToken.None);
            await _app.DisposeAsync();
        }

        await Primary.DisposeAsync();
        await Backup.DisposeAsync();
    }

    private Dictionary<string, string?> Settings()
    {
        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["Llm:Fallback:Chain:0"] = "primary",
            ["Llm:Fallback:Chain:1"] = "backup",
            ["Llm:Fallback:MaxWaitForAvailability"] = "00:00:00",
            ["Llm:Routes:fast:Deployments:0"] = "primary",
            ["Llm:Routes:fast:Deployments:1"] = "backup",
            ["Llm:Routes:fast:Aliases:0"] = "default",
            ["Llm:Routes:smart:Deployments:0"] = "backup",
            ["Gateway:ApiKeys:tester:Hash"] = ApiKeyHasher.Hash(TesterKey),
            ["Gateway:ApiKeys:limited:Hash"] = ApiKeyHasher.Hash(LimitedKey),
            ["Gateway:ApiKeys:limited:RequestsPerMinute"] = "2",
            ["Gateway:ApiKeys:limited:Models:0"] = "smart",
        };
        Provider(settings, "primary", "model-a", Primary);
        Provider(settings, "backup", "model-b", Backup);
        return settings;
    }

    private static void Provider(Dictionary<string, string?> settings, string name, string model, LoopbackProviderServer server)
    {
        var at = "Llm:Providers:" + name + ":";
        settings[at + "Type"] = "OpenAICompatible";
        settings[at + "Model"] = model;
        settings[at + "Endpoint"] = new Uri(server.BaseAddress, "v1").ToString();
        settings[at + "ApiKey"] = "upstream-key";
        settings[at + "Resilience:MaxRetries"] = "0";
        settings[at + "Resilience:CircuitBreaker:ConsecutiveFailures"] = "1";
        settings[at + "Resilience:CircuitBreaker:BreakDuration"] = "00:01:00";
    }
}
