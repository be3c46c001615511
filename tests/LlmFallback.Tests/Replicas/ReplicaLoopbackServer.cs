using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LlmFallback.Tests.Replicas;

/// <summary>
/// A Kestrel server on 127.0.0.1 standing in for one replica of an OpenAI-compatible server: counts hits, records
/// paths, answers with <see cref="Respond"/> (by default a small chat completion naming the replica). Can be stopped
/// (connections are refused) and started again on the same port.
/// </summary>
internal sealed class ReplicaLoopbackServer : IAsyncDisposable
{
    private WebApplication? _app;
    private int _hits;

    private ReplicaLoopbackServer(string name) => Name = name;

    public string Name { get; }

    public int Port { get; private set; }

    public int Hits => Volatile.Read(ref _hits);

    public ConcurrentQueue<string> Paths { get; } = new();

    public Func<HttpContext, Task>? Respond { get; set; }

    public static async Task<ReplicaLoopbackServer> StartAsync(string name, CancellationToken cancellationToken)
    {
        var server = new ReplicaLoopbackServer(name);
        await server.StartAsync(0, cancellationToken);
        return server;
    }

    public Uri BaseAddress(string pathPrefix) => new($"http://127.0.0.1:{Port}{pathPrefix}");

    public async Task StartAsync(int port, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port));
        var app = builder.Build();
        app.Run(async context =>
        {
            Interlocked.Increment(ref _hits);
            Paths.Enqueue(context.Request.Path + context.Request.QueryString);
            await (Respond ?? AnswerAsync)(context);
        });
        await app.StartAsync(cancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Port = new Uri(address).Port;
        _app = app;
    }

    public async Task StopAsync()
    {
        if (_app is { } app)
        {
            _app = null;
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    public ValueTask DisposeAsync() => new(StopAsync());

    private Task AnswerAsync(HttpContext context)
    {
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(
            $$"""{"id":"c1","object":"chat.completion","model":"llama","choices":[{"index":0,"message":{"role":"assistant","content":"from {{Name}}"},"finish_reason":"stop"}]}""",
            context.RequestAborted);
    }
}
