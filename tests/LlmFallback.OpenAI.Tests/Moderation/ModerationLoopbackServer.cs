using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace LlmFallback.OpenAI.Tests.Moderation;

/// <summary>A Kestrel loopback server speaking OpenAI's <c>POST /v1/moderations</c>: real response and error bodies.</summary>
public sealed class ModerationLoopbackServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _requests;

    private ModerationLoopbackServer(WebApplication app) => _app = app;

    public Func<HttpContext, Task> Respond { get; set; } = ctx => Json(ctx, 200, Result(flagged: false));

    public int Requests => Volatile.Read(ref _requests);

    public JsonElement LastBody { get; private set; }

    public string? LastAuthorization { get; private set; }

    public Uri BaseAddress => new(_app.Urls.First() + "/v1/");

    public static async Task<ModerationLoopbackServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var server = new ModerationLoopbackServer(app);
        app.MapPost("/v1/moderations", async ctx =>
        {
            Interlocked.Increment(ref server._requests);
            server.LastAuthorization = ctx.Request.Headers.Authorization;
            server.LastBody = (await JsonDocument.ParseAsync(ctx.Request.Body)).RootElement.Clone();
            await server.Respond(ctx);
        });
        await app.StartAsync();
        return server;
    }

    public static Task Json(HttpContext ctx, int status, string body)
    {
        ctx.Response.StatusCode = status;
        ctx.Response.ContentType = "application/json";
        return ctx.Response.WriteAsync(body);
    }

    /// <summary>A moderation response in the API's shape; <paramref name="scores"/> overrides category scores.</summary>
    public static string Result(bool flagged, string[]? flaggedCategories = null, Dictionary<string, double>? scores = null)
    {
        string[] names = ["harassment", "harassment/threatening", "hate", "hate/threatening", "illicit", "illicit/violent", "self-harm", "self-harm/instructions", "self-harm/intent", "sexual", "sexual/minors", "violence", "violence/graphic"];
        var categories = string.Join(",", names.Select(n => $"\"{n}\":{((flaggedCategories ?? []).Contains(n) ? "true" : "false")}"));
        var categoryScores = string.Join(",", names.Select(n => $"\"{n}\":{(scores?.GetValueOrDefault(n) ?? ((flaggedCategories ?? []).Contains(n) ? 0.93 : 0.0001)).ToString(System.Globalization.CultureInfo.InvariantCulture)}"));
        var applied = string.Join(",", names.Select(n => $"\"{n}\":[\"text\"]"));
        return "{\"id\":\"modr-0d9740456c391e43c445bf0f010940c7\",\"model\":\"omni-moderation-latest\",\"results\":[{\"flagged\":" + (flagged ? "true" : "false")
            + ",\"categories\":{" + categories + "},\"category_scores\":{" + categoryScores + "},\"category_applied_input_types\":{" + applied + "}}]}";
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
