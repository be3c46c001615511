// TEMPORARY stand-in for tests/LlmFallback.Conformance (not yet on main), following the contract in the brief.
// Delete this file and reference the conformance project once it lands.
using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LlmFallback.Conformance;

public enum WireError { BadRequest, ContextLength, ContentPolicy, Unauthorized, ModelNotFound, RateLimited, QuotaExhausted, ServerError, Unavailable, Overloaded }

public enum WireScenarioKind { Text, Stream, ToolCall, Error, ResetBeforeHeaders, StreamCut, StreamMalformed, StreamWithoutDone, StreamEndsWithoutFinish, MidStreamError }

public sealed record WireScenario
{
    public WireScenarioKind Kind { get; init; }
    public string[] Chunks { get; init; } = [];
    public int InputTokens { get; init; } = 11;
    public int OutputTokens { get; init; } = 7;
    public string? CallId { get; init; }
    public string? Name { get; init; }
    public string? ArgumentsJson { get; init; }
    public bool IsStream { get; init; }
    public WireError ErrorKind { get; init; }
    public string? RetryAfter { get; init; }
    public string? RetryAfterMs { get; init; }

    public static WireScenario Text(string text, int inputTokens = 11, int outputTokens = 7) => new() { Kind = WireScenarioKind.Text, Chunks = [text], InputTokens = inputTokens, OutputTokens = outputTokens };
    public static WireScenario Stream(string[] chunks, int inputTokens = 11, int outputTokens = 7) => new() { Kind = WireScenarioKind.Stream, Chunks = chunks, InputTokens = inputTokens, OutputTokens = outputTokens };
    public static WireScenario ToolCall(string callId, string name, string argumentsJson, bool stream) => new() { Kind = WireScenarioKind.ToolCall, CallId = callId, Name = name, ArgumentsJson = argumentsJson, IsStream = stream };
    public static WireScenario Error(WireError error, string? retryAfter = null, string? retryAfterMs = null) => new() { Kind = WireScenarioKind.Error, ErrorKind = error, RetryAfter = retryAfter, RetryAfterMs = retryAfterMs };
    public static WireScenario ResetBeforeHeaders() => new() { Kind = WireScenarioKind.ResetBeforeHeaders };
    public static WireScenario StreamCut(string[] chunks) => new() { Kind = WireScenarioKind.StreamCut, Chunks = chunks };
    public static WireScenario StreamMalformed(string[] chunks) => new() { Kind = WireScenarioKind.StreamMalformed, Chunks = chunks };
    public static WireScenario StreamWithoutDone(string[] chunks) => new() { Kind = WireScenarioKind.StreamWithoutDone, Chunks = chunks };
    public static WireScenario StreamEndsWithoutFinish(string[] chunks) => new() { Kind = WireScenarioKind.StreamEndsWithoutFinish, Chunks = chunks };
    public static WireScenario MidStreamError(string[] chunks, WireError error) => new() { Kind = WireScenarioKind.MidStreamError, Chunks = chunks, ErrorKind = error };
}

public sealed record RecordedRequest(string Method, string Path, string QueryString, IReadOnlyDictionary<string, string> Headers, string Body)
{
    public JsonElement Json => JsonDocument.Parse(Body).RootElement;
}

public abstract class LoopbackProviderServer : IAsyncDisposable
{
    private readonly ConcurrentQueue<WireScenario> _scenarios = new();
    private readonly List<RecordedRequest> _requests = [];
    private WebApplication? _app;

    public Uri BaseAddress { get; private set; } = null!;

    public IReadOnlyList<RecordedRequest> Requests
    {
        get
        {
            lock (_requests)
            {
                return [.. _requests];
            }
        }
    }

    public async Task StartAsync(CancellationToken ct)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.Run(HandleAsync);
        await _app.StartAsync(ct);
        BaseAddress = new Uri(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/");
    }

    public void Enqueue(WireScenario scenario) => _scenarios.Enqueue(scenario);

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }

    protected abstract Task WriteTextResponseAsync(HttpContext ctx, RecordedRequest req, string text, int inTok, int outTok);
    protected abstract Task WriteToolCallResponseAsync(HttpContext ctx, RecordedRequest req, string callId, string name, string argsJson, int inTok, int outTok);
    protected abstract Task BeginStreamAsync(HttpContext ctx, RecordedRequest req);
    protected abstract Task WriteTextDeltaAsync(HttpContext ctx, RecordedRequest req, string text, int index);
    protected abstract Task WriteToolCallDeltasAsync(HttpContext ctx, RecordedRequest req, string callId, string name, string argsJson);
    protected abstract Task WriteFinishAsync(HttpContext ctx, RecordedRequest req, bool toolCalls, int inTok, int outTok);
    protected abstract Task WriteTerminalAsync(HttpContext ctx, RecordedRequest req);
    protected abstract Task WriteMalformedAsync(HttpContext ctx, RecordedRequest req);
    protected abstract Task WriteStreamErrorAsync(HttpContext ctx, RecordedRequest req, WireError error);
    protected abstract Task WriteErrorAsync(HttpContext ctx, RecordedRequest req, WireError error, string? retryAfter, string? retryAfterMs, TimeSpan? retryInfo);

    protected static async Task WriteJsonAsync(HttpContext ctx, int status, string json, params (string Name, string Value)[] headers)
    {
        ctx.Response.StatusCode = status;
        ctx.Response.ContentType = "application/json";
        foreach (var (name, value) in headers)
        {
            ctx.Response.Headers[name] = value;
        }

        await ctx.Response.WriteAsync(json);
    }

    protected static async Task StartSseAsync(HttpContext ctx)
    {
        ctx.Response.StatusCode = 200;
        ctx.Response.ContentType = "text/event-stream";
        await ctx.Response.Body.FlushAsync();
    }

    protected static async Task WriteSseAsync(HttpContext ctx, string? eventName, string data)
    {
        var sb = new StringBuilder();
        if (eventName is not null)
        {
            sb.Append("event: ").Append(eventName).Append('\n');
        }

        sb.Append("data: ").Append(data).Append("\n\n");
        await ctx.Response.WriteAsync(sb.ToString());
        await ctx.Response.Body.FlushAsync();
    }

    private async Task HandleAsync(HttpContext ctx)
    {
        using var reader = new StreamReader(ctx.Request.Body);
        var body = await reader.ReadToEndAsync();
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var h in ctx.Request.Headers)
        {
            headers[h.Key] = h.Value.ToString();
        }

        var req = new RecordedRequest(ctx.Request.Method, ctx.Request.Path, ctx.Request.QueryString.Value ?? string.Empty, headers, body);
        lock (_requests)
        {
            _requests.Add(req);
        }

        if (!_scenarios.TryDequeue(out var s))
        {
            ctx.Response.StatusCode = 599;
            return;
        }

        switch (s.Kind)
        {
            case WireScenarioKind.Text:
                await WriteTextResponseAsync(ctx, req, s.Chunks[0], s.InputTokens, s.OutputTokens);
                break;
            case WireScenarioKind.ToolCall when !s.IsStream:
                await WriteToolCallResponseAsync(ctx, req, s.CallId!, s.Name!, s.ArgumentsJson!, s.InputTokens, s.OutputTokens);
                break;
            case WireScenarioKind.ToolCall:
                await BeginStreamAsync(ctx, req);
                await WriteToolCallDeltasAsync(ctx, req, s.CallId!, s.Name!, s.ArgumentsJson!);
                await WriteFinishAsync(ctx, req, true, s.InputTokens, s.OutputTokens);
                await WriteTerminalAsync(ctx, req);
                break;
            case WireScenarioKind.Error:
                await WriteErrorAsync(ctx, req, s.ErrorKind, s.RetryAfter, s.RetryAfterMs, null);
                break;
            case WireScenarioKind.ResetBeforeHeaders:
                ctx.Features.Get<IHttpResetFeature>()?.Reset(2);
                ctx.Abort();
                break;
            default:
                await BeginStreamAsync(ctx, req);
                for (var i = 0; i < s.Chunks.Length; i++)
                {
                    await WriteTextDeltaAsync(ctx, req, s.Chunks[i], i);
                }

                switch (s.Kind)
                {
                    case WireScenarioKind.Stream:
                        await WriteFinishAsync(ctx, req, false, s.InputTokens, s.OutputTokens);
                        await WriteTerminalAsync(ctx, req);
                        break;
                    case WireScenarioKind.StreamWithoutDone:
                        await WriteFinishAsync(ctx, req, false, s.InputTokens, s.OutputTokens);
                        break;
                    case WireScenarioKind.StreamCut:
                        await Task.Delay(100); // let the flushed events reach the client before the reset
                        ctx.Abort();
                        break;
                    case WireScenarioKind.StreamMalformed:
                        await WriteMalformedAsync(ctx, req);
                        break;
                    case WireScenarioKind.MidStreamError:
                        await WriteStreamErrorAsync(ctx, req, s.ErrorKind);
                        break;
                }

                break;
        }
    }
}
