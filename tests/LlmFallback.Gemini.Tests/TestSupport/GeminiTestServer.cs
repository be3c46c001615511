using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LlmFallback.Gemini.Tests;

/// <summary>A request the loopback server received.</summary>
internal sealed record ReceivedRequest(string Method, string Path, string Query, IReadOnlyDictionary<string, string> Headers, string Body)
{
    public JsonElement Json => JsonDocument.Parse(Body).RootElement;
}

/// <summary>
/// Kestrel on 127.0.0.1 (port 0) playing scripted Gemini responses in order, for the unit tests that need responses
/// the shared conformance scenarios do not cover (blocks, thought signatures, quota bodies, ...).
/// </summary>
internal sealed class GeminiTestServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<Func<HttpContext, Task>> _responders = new();
    private readonly ConcurrentQueue<ReceivedRequest> _requests = new();

    private GeminiTestServer(WebApplication app) => _app = app;

    public Uri BaseAddress { get; private set; } = null!;

    public IReadOnlyList<ReceivedRequest> Requests => [.. _requests];

    public static async Task<GeminiTestServer> StartAsync(CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var server = new GeminiTestServer(app);
        app.Run(server.HandleAsync);
        await app.StartAsync(cancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.BaseAddress = new Uri(address.TrimEnd('/') + "/");
        return server;
    }

    public void Enqueue(Func<HttpContext, Task> responder) => _responders.Enqueue(responder);

    public void EnqueueJson(int status, string json, params (string Name, string Value)[] headers) => Enqueue(async ctx =>
    {
        ctx.Response.StatusCode = status;
        ctx.Response.ContentType = "application/json; charset=UTF-8";
        foreach (var (name, value) in headers)
        {
            ctx.Response.Headers[name] = value;
        }

        await ctx.Response.WriteAsync(json, ctx.RequestAborted);
    });

    /// <summary>Plays an SSE stream the way Gemini writes it: one <c>data: {chunk}</c> event per chunk, CRLF-separated, no terminal event.</summary>
    public void EnqueueSse(params string[] chunks) => Enqueue(async ctx =>
    {
        ctx.Response.StatusCode = 200;
        ctx.Response.ContentType = "text/event-stream";
        foreach (var chunk in chunks)
        {
            await ctx.Response.WriteAsync("data: " + chunk + "\r\n\r\n", ctx.RequestAborted);
            await ctx.Response.Body.FlushAsync(ctx.RequestAborted);
        }
    });

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext ctx)
    {
        using var reader = new StreamReader(ctx.Request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync(ctx.RequestAborted);
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var header in ctx.Request.Headers)
        {
            headers[header.Key] = header.Value.ToString();
        }

        _requests.Enqueue(new ReceivedRequest(ctx.Request.Method, ctx.Request.Path.Value ?? string.Empty, ctx.Request.QueryString.Value ?? string.Empty, headers, body));
        if (!_responders.TryDequeue(out var responder))
        {
            ctx.Response.StatusCode = 599;
            await ctx.Response.WriteAsync("No scripted response.", ctx.RequestAborted);
            return;
        }

        await responder(ctx);
    }
}
