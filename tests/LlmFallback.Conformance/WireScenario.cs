namespace LlmFallback.Conformance;

/// <summary>A provider error, named by meaning; each server renders it as its provider's real status, body and headers.</summary>
public enum WireError
{
    BadRequest,
    ContextLength,
    ContentPolicy,
    Unauthorized,
    ModelNotFound,
    RateLimited,
    QuotaExhausted,
    ServerError,
    Unavailable,
    Overloaded,
}

/// <summary>What a scenario makes the server do.</summary>
public enum WireScenarioKind
{
    Text,
    Stream,
    ToolCall,
    Error,
    ResetBeforeHeaders,
    NoResponse,
    SlowFirstByte,
    StreamCut,
    StreamStall,
    StreamMalformed,
    StreamWithoutDone,
    StreamEndsWithoutFinish,
    MidStreamError,
    Raw,
}

/// <summary>One tool call of an answer: its id (where the provider's format has ids), function name and JSON arguments.</summary>
public sealed record WireToolCall(string Id, string Name, string Arguments);

/// <summary>What the loopback server does with the next request; provider-neutral, rendered in each provider's format.</summary>
public sealed record WireScenario
{
    private WireScenario(WireScenarioKind kind) => Kind = kind;

    public WireScenarioKind Kind { get; }

    public string ResponseText { get; private init; } = string.Empty;

    public IReadOnlyList<string> Chunks { get; private init; } = [];

    public int InputTokens { get; private init; } = 11;

    public int OutputTokens { get; private init; } = 7;

    public string ToolCallId { get; private init; } = "call_1";

    public string ToolName { get; private init; } = "get_weather";

    public string ToolArguments { get; private init; } = """{"city":"Paris"}""";

    /// <summary>Gets every tool call of a <see cref="WireScenarioKind.ToolCall"/> answer: one, or several made in parallel.</summary>
    public IReadOnlyList<WireToolCall> Calls => _calls ?? [new WireToolCall(ToolCallId, ToolName, ToolArguments)];

    private IReadOnlyList<WireToolCall>? _calls;

    public bool Streamed { get; private init; }

    public WireError ErrorKind { get; private init; }

    public string? RetryAfter { get; private init; }

    public string? RetryAfterMs { get; private init; }

    public TimeSpan? RetryInfo { get; private init; }

    public Task? Gate { get; private init; }

    /// <summary>Gets the pause before each streamed chunk, on the server's clock (a slow answer that streams for a while).</summary>
    public TimeSpan ChunkDelay { get; private init; }

    public WireScenario? Then { get; private init; }

    public int Status { get; private init; }

    public string? ContentType { get; private init; }

    public string Body { get; private init; } = string.Empty;

    public IReadOnlyList<(string Name, string Value)> Headers { get; private init; } = [];

    public static WireScenario Text(string text, int inputTokens = 11, int outputTokens = 7) =>
        new(WireScenarioKind.Text) { ResponseText = text, InputTokens = inputTokens, OutputTokens = outputTokens };

    public static WireScenario Stream(string[] chunks, int inputTokens = 11, int outputTokens = 7) =>
        new(WireScenarioKind.Stream) { Chunks = chunks, Streamed = true, InputTokens = inputTokens, OutputTokens = outputTokens };

    public static WireScenario ToolCall(string callId, string name, string argumentsJson, bool stream) =>
        new(WireScenarioKind.ToolCall) { ToolCallId = callId, ToolName = name, ToolArguments = argumentsJson, Streamed = stream };

    /// <summary>Several tool calls in one (non-streamed) answer.</summary>
    public static WireScenario ParallelToolCalls(params WireToolCall[] calls) =>
        new(WireScenarioKind.ToolCall) { _calls = calls, ToolCallId = calls[0].Id, ToolName = calls[0].Name, ToolArguments = calls[0].Arguments };

    public static WireScenario Error(WireError error, string? retryAfter = null, string? retryAfterMs = null, TimeSpan? retryInfo = null) =>
        new(WireScenarioKind.Error) { ErrorKind = error, RetryAfter = retryAfter, RetryAfterMs = retryAfterMs, RetryInfo = retryInfo };

    /// <summary>Returns this scenario with a pause before each streamed chunk.</summary>
    /// <param name="delay">The pause, on the server's clock.</param>
    /// <returns>A copy of the scenario.</returns>
    public WireScenario WithChunkDelay(TimeSpan delay) => this with { ChunkDelay = delay };

    public static WireScenario ResetBeforeHeaders() => new(WireScenarioKind.ResetBeforeHeaders);

    public static WireScenario NoResponse() => new(WireScenarioKind.NoResponse);

    public static WireScenario SlowFirstByte(Task gate, WireScenario then) => new(WireScenarioKind.SlowFirstByte) { Gate = gate, Then = then, Streamed = then.Streamed };

    /// <summary>Begin + deltas, then (once <paramref name="cutAfter"/> completes, if given) abort the connection.</summary>
    /// <remarks>An abort can make the client drop bytes it has not read yet; a test that needs the deltas delivered releases the gate once it has seen them.</remarks>
    public static WireScenario StreamCut(string[] chunks, Task? cutAfter = null) => new(WireScenarioKind.StreamCut) { Chunks = chunks, Streamed = true, Gate = cutAfter };

    public static WireScenario StreamStall(string[] chunks) => new(WireScenarioKind.StreamStall) { Chunks = chunks, Streamed = true };

    public static WireScenario StreamMalformed(string[] chunks) => new(WireScenarioKind.StreamMalformed) { Chunks = chunks, Streamed = true };

    public static WireScenario StreamWithoutDone(string[] chunks) => new(WireScenarioKind.StreamWithoutDone) { Chunks = chunks, Streamed = true };

    public static WireScenario StreamEndsWithoutFinish(string[] chunks) => new(WireScenarioKind.StreamEndsWithoutFinish) { Chunks = chunks, Streamed = true };

    public static WireScenario MidStreamError(string[] chunks, WireError error) => new(WireScenarioKind.MidStreamError) { Chunks = chunks, ErrorKind = error, Streamed = true };

    /// <summary>The same answer whatever the provider: this status, content type, headers and body (for servers and proxies that answer off-format).</summary>
    public static WireScenario Raw(int status, string? contentType, string body, params (string Name, string Value)[] headers) =>
        new(WireScenarioKind.Raw) { Status = status, ContentType = contentType, Body = body, Headers = headers };
}
