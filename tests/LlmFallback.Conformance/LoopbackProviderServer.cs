using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LlmFallback.Conformance;

/// <summary>
/// A Kestrel server on 127.0.0.1 (port 0) that records every request and answers each with the next queued
/// <see cref="WireScenario"/>. Subclasses supply the provider's wire-format primitives; this base composes them,
/// so every provider plays exactly the same scenarios.
/// </summary>
public abstract class LoopbackProviderServer : IAsyncDisposable
{
    private readonly Queue<WireScenario> _scenarios = new();
    private readonly List<RecordedRequest> _requests = [];
    private readonly List<string> _rejections = [];
    private readonly List<TaskCompletionSource<RecordedRequest>> _arrivals = [];
    private readonly List<TaskCompletionSource> _aborts = [];
    private readonly List<TaskCompletionSource> _stalls = [];
    private readonly CancellationTokenSource _shutdown = new();
    private readonly Lock _gate = new();
    private WebApplication? _app;

    private static long s_writes;

    /// <summary>Gets how many responses and stream events every loopback server of the process has written (a load test's sign of progress).</summary>
    public static long Writes => Interlocked.Read(ref s_writes);

    /// <summary>Gets the server's base address, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>Gets every request received so far, in order.</summary>
    public IReadOnlyList<RecordedRequest> Requests
    {
        get
        {
            lock (_gate)
            {
                return [.. _requests];
            }
        }
    }

    /// <summary>Gets the error messages of the requests this server refused the way the real API would (see <see cref="Validate"/>), in order.</summary>
    public IReadOnlyList<string> Rejections
    {
        get
        {
            lock (_gate)
            {
                return [.. _rejections];
            }
        }
    }

    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(2));
        _app = builder.Build();
        _app.Run(HandleAsync);
        await _app.StartAsync(cancellationToken).ConfigureAwait(false);
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseAddress = new Uri(address.EndsWith('/') ? address : address + "/");
    }

    /// <summary>
    /// Gets or sets what the server does with a request when nothing is queued (load tests draw a scenario per
    /// request); <see langword="null"/> answers an unqueued request with a 500 naming the mistake.
    /// </summary>
    public Func<RecordedRequest, WireScenario>? ScenarioSource { get; set; }

    /// <summary>Gets or sets the clock that paces <see cref="WireScenario.ChunkDelay"/>; <see langword="null"/> for the system clock.</summary>
    public TimeProvider? Clock { get; set; }

    /// <summary>Queues what the server does with the next request.</summary>
    public void Enqueue(WireScenario scenario)
    {
        lock (_gate)
        {
            _scenarios.Enqueue(scenario);
        }
    }

    /// <summary>Completes when request number <paramref name="index"/> (0-based) has arrived and its body was read.</summary>
    public Task<RecordedRequest> WaitForRequestAsync(int index, CancellationToken cancellationToken = default) =>
        Slot(_arrivals, index).Task.WaitAsync(cancellationToken);

    /// <summary>Completes when the client aborted request number <paramref name="index"/>.</summary>
    public Task WaitForAbortAsync(int index, CancellationToken cancellationToken = default) =>
        Slot(_aborts, index).Task.WaitAsync(cancellationToken);

    /// <summary>Completes when request <paramref name="index"/> has sent everything it will send and is now silent (stall, no response, slow first byte).</summary>
    public Task WaitForSilenceAsync(int index, CancellationToken cancellationToken = default) =>
        Slot(_stalls, index).Task.WaitAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await _shutdown.CancelAsync().ConfigureAwait(false);
        if (_app is not null)
        {
            await _app.StopAsync(CancellationToken.None).ConfigureAwait(false);
            await _app.DisposeAsync().ConfigureAwait(false);
        }

        _shutdown.Dispose();
        GC.SuppressFinalize(this);
    }

    // ---- format primitives, one set per provider --------------------------------------------------------------

    /// <summary>
    /// Checks a request the way the real API does before it answers: returns the status, body and message of the error
    /// the API sends for what it would refuse (a foreign signature, an unpaired or ill-formed tool-call id), or
    /// <see langword="null"/> to play the next scenario. A refused request does not use up a scenario.
    /// </summary>
    protected virtual (int Status, string Body, string Message)? Validate(RecordedRequest request) => null;

    /// <summary>
    /// Writes several tool calls in one answer (parallel calls). The default handles one call; servers whose format
    /// carries several override it.
    /// </summary>
    protected virtual Task WriteToolCallsResponseAsync(HttpContext ctx, RecordedRequest req, IReadOnlyList<WireToolCall> calls, int inTok, int outTok)
    {
        ArgumentNullException.ThrowIfNull(calls);
        return calls.Count == 1
            ? WriteToolCallResponseAsync(ctx, req, calls[0].Id, calls[0].Name, calls[0].Arguments, inTok, outTok)
            : throw new NotSupportedException("This server writes one tool call per answer.");
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

    // ---- helpers for the primitives ---------------------------------------------------------------------------

    protected static async Task WriteJsonAsync(HttpContext ctx, int status, string json, params (string Name, string Value)[] headers)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        ctx.Response.StatusCode = status;
        ctx.Response.ContentType = "application/json";
        foreach (var (name, value) in headers)
        {
            ctx.Response.Headers[name] = value;
        }

        await ctx.Response.WriteAsync(json, Encoding.UTF8).ConfigureAwait(false);
        await ctx.Response.Body.FlushAsync().ConfigureAwait(false);
        Interlocked.Increment(ref s_writes);
    }

    protected static async Task StartSseAsync(HttpContext ctx)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        ctx.Response.StatusCode = 200;
        ctx.Response.ContentType = "text/event-stream";
        ctx.Response.Headers.CacheControl = "no-cache";
        await ctx.Response.StartAsync().ConfigureAwait(false);
        await ctx.Response.Body.FlushAsync().ConfigureAwait(false);
    }

    protected static async Task WriteSseAsync(HttpContext ctx, string? eventName, string data)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        ArgumentNullException.ThrowIfNull(data);
        var sb = new StringBuilder();
        if (eventName is not null)
        {
            sb.Append("event: ").Append(eventName).Append('\n');
        }

        foreach (var line in data.Split('\n'))
        {
            sb.Append("data: ").Append(line).Append('\n');
        }

        sb.Append('\n');
        await ctx.Response.WriteAsync(sb.ToString(), Encoding.UTF8).ConfigureAwait(false);
        await ctx.Response.Body.FlushAsync().ConfigureAwait(false);
        Interlocked.Increment(ref s_writes);
    }

    // ---- the scenarios ----------------------------------------------------------------------------------------

    private async Task HandleAsync(HttpContext ctx)
    {
        string body;
        using (var reader = new StreamReader(ctx.Request.Body, Encoding.UTF8))
        {
            body = await reader.ReadToEndAsync(ctx.RequestAborted).ConfigureAwait(false);
        }

        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var h in ctx.Request.Headers)
        {
            headers[h.Key] = h.Value.ToString();
        }

        var request = new RecordedRequest(ctx.Request.Method, ctx.Request.Path.Value ?? "/", ctx.Request.QueryString.Value ?? string.Empty, headers, body);
        var rejection = Validate(request);
        int index;
        WireScenario? scenario = null;
        lock (_gate)
        {
            index = _requests.Count;
            _requests.Add(request);
            if (rejection is { } refused)
            {
                _rejections.Add(refused.Message);
            }
            else
            {
                _scenarios.TryDequeue(out scenario);
            }
        }

        if (rejection is { } error)
        {
            Slot(_arrivals, index).TrySetResult(request);
            await WriteJsonAsync(ctx, error.Status, error.Body).ConfigureAwait(false);
            return;
        }

        scenario ??= ScenarioSource?.Invoke(request);

        ctx.RequestAborted.Register(() => Slot(_aborts, index).TrySetResult());
        Slot(_arrivals, index).TrySetResult(request);
        using var lifetime = CancellationTokenSource.CreateLinkedTokenSource(ctx.RequestAborted, _shutdown.Token);
        try
        {
            if (scenario is null)
            {
                await WriteJsonAsync(ctx, 500, """{"error":"the test queued no scenario for this request"}""").ConfigureAwait(false);
                return;
            }

            await PlayAsync(ctx, request, scenario, index, lifetime.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException || lifetime.IsCancellationRequested)
        {
            // The client went away (as several scenarios intend) or the server is shutting down.
        }
    }

    private async Task PlayAsync(HttpContext ctx, RecordedRequest req, WireScenario s, int index, CancellationToken lifetime)
    {
        switch (s.Kind)
        {
            case WireScenarioKind.Text:
                await WriteTextResponseAsync(ctx, req, s.ResponseText, s.InputTokens, s.OutputTokens).ConfigureAwait(false);
                break;
            case WireScenarioKind.Stream:
                await DeltasAsync(ctx, req, s).ConfigureAwait(false);
                await WriteFinishAsync(ctx, req, false, s.InputTokens, s.OutputTokens).ConfigureAwait(false);
                await WriteTerminalAsync(ctx, req).ConfigureAwait(false);
                break;
            case WireScenarioKind.ToolCall when s.Streamed:
                await BeginStreamAsync(ctx, req).ConfigureAwait(false);
                await WriteToolCallDeltasAsync(ctx, req, s.ToolCallId, s.ToolName, s.ToolArguments).ConfigureAwait(false);
                await WriteFinishAsync(ctx, req, true, s.InputTokens, s.OutputTokens).ConfigureAwait(false);
                await WriteTerminalAsync(ctx, req).ConfigureAwait(false);
                break;
            case WireScenarioKind.ToolCall:
                await WriteToolCallsResponseAsync(ctx, req, s.Calls, s.InputTokens, s.OutputTokens).ConfigureAwait(false);
                break;
            case WireScenarioKind.Error:
                await WriteErrorAsync(ctx, req, s.ErrorKind, s.RetryAfter, s.RetryAfterMs, s.RetryInfo).ConfigureAwait(false);
                break;
            case WireScenarioKind.ResetBeforeHeaders:
                ctx.Abort();
                break;
            case WireScenarioKind.NoResponse:
                await SilenceAsync(index, lifetime).ConfigureAwait(false);
                break;
            case WireScenarioKind.SlowFirstByte:
                Slot(_stalls, index).TrySetResult();
                await s.Gate!.WaitAsync(lifetime).ConfigureAwait(false);
                await PlayAsync(ctx, req, s.Then!, index, lifetime).ConfigureAwait(false);
                break;
            case WireScenarioKind.StreamCut:
                await DeltasAsync(ctx, req, s).ConfigureAwait(false);
                if (s.Gate is not null)
                {
                    Slot(_stalls, index).TrySetResult();
                    await s.Gate.WaitAsync(lifetime).ConfigureAwait(false);
                }

                ctx.Abort();
                break;
            case WireScenarioKind.StreamStall:
                await DeltasAsync(ctx, req, s).ConfigureAwait(false);
                await SilenceAsync(index, lifetime).ConfigureAwait(false);
                break;
            case WireScenarioKind.StreamMalformed:
                await DeltasAsync(ctx, req, s).ConfigureAwait(false);
                await WriteMalformedAsync(ctx, req).ConfigureAwait(false);
                break;
            case WireScenarioKind.StreamWithoutDone:
                await DeltasAsync(ctx, req, s).ConfigureAwait(false);
                await WriteFinishAsync(ctx, req, false, s.InputTokens, s.OutputTokens).ConfigureAwait(false);
                break;
            case WireScenarioKind.StreamEndsWithoutFinish:
                await DeltasAsync(ctx, req, s).ConfigureAwait(false);
                break;
            case WireScenarioKind.MidStreamError:
                await DeltasAsync(ctx, req, s).ConfigureAwait(false);
                await WriteStreamErrorAsync(ctx, req, s.ErrorKind).ConfigureAwait(false);
                break;
            case WireScenarioKind.Raw:
                ctx.Response.StatusCode = s.Status;
                ctx.Response.ContentType = s.ContentType;
                foreach (var (name, value) in s.Headers)
                {
                    ctx.Response.Headers[name] = value;
                }

                await ctx.Response.WriteAsync(s.Body, Encoding.UTF8, lifetime).ConfigureAwait(false);
                break;
            default:
                throw new InvalidOperationException($"Unknown scenario {s.Kind}.");
        }
    }

    private async Task DeltasAsync(HttpContext ctx, RecordedRequest req, WireScenario s)
    {
        await BeginStreamAsync(ctx, req).ConfigureAwait(false);
        for (var i = 0; i < s.Chunks.Count; i++)
        {
            if (s.ChunkDelay > TimeSpan.Zero)
            {
                await Task.Delay(s.ChunkDelay, Clock ?? TimeProvider.System, ctx.RequestAborted).ConfigureAwait(false);
            }

            await WriteTextDeltaAsync(ctx, req, s.Chunks[i], i).ConfigureAwait(false);
        }
    }

    private async Task SilenceAsync(int index, CancellationToken lifetime)
    {
        Slot(_stalls, index).TrySetResult();
        await Task.Delay(Timeout.Infinite, lifetime).ConfigureAwait(false);
    }

    private TaskCompletionSource<T> Slot<T>(List<TaskCompletionSource<T>> list, int index)
    {
        lock (_gate)
        {
            while (list.Count <= index)
            {
                list.Add(new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously));
            }

            return list[index];
        }
    }

    private TaskCompletionSource Slot(List<TaskCompletionSource> list, int index)
    {
        lock (_gate)
        {
            while (list.Count <= index)
            {
                list.Add(new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
            }

            return list[index];
        }
    }
}
