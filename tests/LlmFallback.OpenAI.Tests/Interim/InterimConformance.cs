// INTERIM: a stand-in for tests/LlmFallback.Conformance (the shared suite, not yet on main), written to the contract
// in briefs/CONFORMANCE.md. Deleted when the real project lands.
using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LlmFallback.Conformance;

public enum WireError { BadRequest, ContextLength, ContentPolicy, Unauthorized, ModelNotFound, RateLimited, QuotaExhausted, ServerError, Unavailable, Overloaded }

public sealed record WireScenario
{
    internal string Kind { get; init; } = "";
    internal string Body { get; init; } = "";
    internal string[] Chunks { get; init; } = [];
    internal int In { get; init; } = 11;
    internal int Out { get; init; } = 7;
    internal string CallId { get; init; } = "";
    internal string Name { get; init; } = "";
    internal string Args { get; init; } = "";
    internal bool StreamFlag { get; init; }
    internal WireError ErrorKind { get; init; }
    internal string? RetryAfter { get; init; }
    internal string? RetryAfterMs { get; init; }
    internal TimeSpan? RetryInfo { get; init; }
    internal Task? Gate { get; init; }
    internal WireScenario? Then { get; init; }

    public static WireScenario Text(string text, int inputTokens = 11, int outputTokens = 7) => new() { Kind = "text", Body = text, In = inputTokens, Out = outputTokens };
    public static WireScenario Stream(string[] chunks, int inputTokens = 11, int outputTokens = 7) => new() { Kind = "stream", Chunks = chunks, In = inputTokens, Out = outputTokens };
    public static WireScenario ToolCall(string callId, string name, string argumentsJson, bool stream) => new() { Kind = "tool", CallId = callId, Name = name, Args = argumentsJson, StreamFlag = stream };
    public static WireScenario Error(WireError error, string? retryAfter = null, string? retryAfterMs = null, TimeSpan? retryInfo = null) => new() { Kind = "error", ErrorKind = error, RetryAfter = retryAfter, RetryAfterMs = retryAfterMs, RetryInfo = retryInfo };
    public static WireScenario ResetBeforeHeaders() => new() { Kind = "reset" };
    public static WireScenario NoResponse() => new() { Kind = "none" };
    public static WireScenario SlowFirstByte(Task gate, WireScenario then) => new() { Kind = "slow", Gate = gate, Then = then };
    public static WireScenario StreamCut(string[] chunks) => new() { Kind = "cut", Chunks = chunks };
    public static WireScenario StreamStall(string[] chunks) => new() { Kind = "stall", Chunks = chunks };
    public static WireScenario StreamMalformed(string[] chunks) => new() { Kind = "malformed", Chunks = chunks };
    public static WireScenario StreamWithoutDone(string[] chunks) => new() { Kind = "nodone", Chunks = chunks };
    public static WireScenario StreamEndsWithoutFinish(string[] chunks) => new() { Kind = "nofinish", Chunks = chunks };
    public static WireScenario MidStreamError(string[] chunks, WireError error) => new() { Kind = "midstream", Chunks = chunks, ErrorKind = error };
}

public sealed record RecordedRequest(string Method, string Path, string QueryString, IReadOnlyDictionary<string, string> Headers, string Body)
{
    public JsonElement Json => Body.Length == 0 ? default : JsonDocument.Parse(Body).RootElement.Clone();
}

public abstract class LoopbackProviderServer : IAsyncDisposable
{
    private readonly ConcurrentQueue<WireScenario> _scenarios = new();
    private readonly List<RecordedRequest> _requests = [];
    private readonly List<TaskCompletionSource<RecordedRequest>> _arrivals = [];
    private readonly List<TaskCompletionSource> _aborts = [];
    private WebApplication? _app;

    public Uri BaseAddress { get; private set; } = new("http://127.0.0.1/");

    public IReadOnlyList<RecordedRequest> Requests { get { lock (_requests) { return [.. _requests]; } } }

    public async Task StartAsync(CancellationToken ct)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(System.Net.IPAddress.Loopback, 0));
        _app = builder.Build();
        _app.Run(HandleAsync);
        await _app.StartAsync(ct);
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseAddress = new Uri(address.TrimEnd('/') + "/");
    }

    public void Enqueue(WireScenario scenario) => _scenarios.Enqueue(scenario);

    public Task<RecordedRequest> WaitForRequestAsync(int index, CancellationToken ct) => Slot(_arrivals, index).Task.WaitAsync(ct);

    public Task WaitForAbortAsync(int index, CancellationToken ct) => Slot(_aborts, index).Task.WaitAsync(ct);

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
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
        foreach (var (n, v) in headers)
        {
            ctx.Response.Headers[n] = v;
        }

        await ctx.Response.WriteAsync(json, ctx.RequestAborted);
    }

    protected static async Task StartSseAsync(HttpContext ctx)
    {
        ctx.Response.StatusCode = 200;
        ctx.Response.ContentType = "text/event-stream";
        await ctx.Response.Body.FlushAsync(ctx.RequestAborted);
    }

    protected static async Task WriteSseAsync(HttpContext ctx, string? eventName, string data)
    {
        var sb = new StringBuilder();
        if (eventName is not null)
        {
            sb.Append("event: ").Append(eventName).Append('\n');
        }

        sb.Append("data: ").Append(data).Append("\n\n");
        await ctx.Response.WriteAsync(sb.ToString(), ctx.RequestAborted);
        await ctx.Response.Body.FlushAsync(ctx.RequestAborted);
    }

    private static TaskCompletionSource<T> Slot<T>(List<TaskCompletionSource<T>> list, int index)
    {
        lock (list)
        {
            while (list.Count <= index)
            {
                list.Add(new(TaskCreationOptions.RunContinuationsAsynchronously));
            }

            return list[index];
        }
    }

    private static TaskCompletionSource Slot(List<TaskCompletionSource> list, int index)
    {
        lock (list)
        {
            while (list.Count <= index)
            {
                list.Add(new(TaskCreationOptions.RunContinuationsAsynchronously));
            }

            return list[index];
        }
    }

    private async Task HandleAsync(HttpContext ctx)
    {
        using var reader = new StreamReader(ctx.Request.Body);
        var body = await reader.ReadToEndAsync(ctx.RequestAborted);
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var h in ctx.Request.Headers)
        {
            headers[h.Key] = h.Value.ToString();
        }

        var req = new RecordedRequest(ctx.Request.Method, ctx.Request.Path.Value ?? "", ctx.Request.QueryString.Value ?? "", headers, body);
        int index;
        lock (_requests)
        {
            index = _requests.Count;
            _requests.Add(req);
        }

        ctx.RequestAborted.Register(() => Slot(_aborts, index).TrySetResult());
        Slot(_arrivals, index).TrySetResult(req);
        if (!_scenarios.TryDequeue(out var scenario))
        {
            await WriteJsonAsync(ctx, 599, "{\"error\":\"no scenario\"}");
            return;
        }

        try
        {
            await PlayAsync(ctx, req, scenario);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task PlayAsync(HttpContext ctx, RecordedRequest req, WireScenario s)
    {
        switch (s.Kind)
        {
            case "text":
                if (IsStream(req)) { await StreamAsync(ctx, req, [s.Body], s.In, s.Out, finish: true, terminal: true); }
                else { await WriteTextResponseAsync(ctx, req, s.Body, s.In, s.Out); }
                break;
            case "stream":
                await StreamAsync(ctx, req, s.Chunks, s.In, s.Out, finish: true, terminal: true);
                break;
            case "tool":
                if (s.StreamFlag)
                {
                    await BeginStreamAsync(ctx, req);
                    await WriteToolCallDeltasAsync(ctx, req, s.CallId, s.Name, s.Args);
                    await WriteFinishAsync(ctx, req, true, s.In, s.Out);
                    await WriteTerminalAsync(ctx, req);
                }
                else { await WriteToolCallResponseAsync(ctx, req, s.CallId, s.Name, s.Args, s.In, s.Out); }
                break;
            case "error":
                await WriteErrorAsync(ctx, req, s.ErrorKind, s.RetryAfter, s.RetryAfterMs, s.RetryInfo);
                break;
            case "reset":
                ctx.Abort();
                break;
            case "none":
                await Task.Delay(Timeout.Infinite, ctx.RequestAborted);
                break;
            case "slow":
                await s.Gate!.WaitAsync(ctx.RequestAborted);
                await PlayAsync(ctx, req, s.Then!);
                break;
            case "cut":
                await StreamAsync(ctx, req, s.Chunks, 0, 0, finish: false, terminal: false);
                ctx.Abort();
                break;
            case "stall":
                await StreamAsync(ctx, req, s.Chunks, 0, 0, finish: false, terminal: false);
                await Task.Delay(Timeout.Infinite, ctx.RequestAborted);
                break;
            case "malformed":
                await StreamAsync(ctx, req, s.Chunks, 0, 0, finish: false, terminal: false);
                await WriteMalformedAsync(ctx, req);
                break;
            case "nodone":
                await StreamAsync(ctx, req, s.Chunks, s.In, s.Out, finish: true, terminal: false);
                break;
            case "nofinish":
                await StreamAsync(ctx, req, s.Chunks, 0, 0, finish: false, terminal: false);
                break;
            case "midstream":
                await StreamAsync(ctx, req, s.Chunks, 0, 0, finish: false, terminal: false);
                await WriteStreamErrorAsync(ctx, req, s.ErrorKind);
                break;
        }
    }

    private async Task StreamAsync(HttpContext ctx, RecordedRequest req, string[] chunks, int inTok, int outTok, bool finish, bool terminal)
    {
        await BeginStreamAsync(ctx, req);
        for (var i = 0; i < chunks.Length; i++)
        {
            await WriteTextDeltaAsync(ctx, req, chunks[i], i);
        }

        if (finish)
        {
            await WriteFinishAsync(ctx, req, false, inTok, outTok);
        }

        if (terminal)
        {
            await WriteTerminalAsync(ctx, req);
        }
    }

    private static bool IsStream(RecordedRequest req) =>
        req.Json.ValueKind == JsonValueKind.Object && req.Json.TryGetProperty("stream", out var s) && s.ValueKind == JsonValueKind.True;
}
