using System.Diagnostics;
using LlmFallback.Testing;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;

namespace LlmFallback.Tests.Fallback;

/// <summary>Activities per call and per attempt, metrics for attempts / fail-overs / breaker transitions, and structured logs.</summary>
public sealed class FallbackChatClientTelemetryTests
{
    private const string RootSourceName = "LlmFallback.Tests.Telemetry";
    private static readonly ActivitySource TestSource = new(RootSourceName);

    private static CancellationToken Ct => FallbackFixture.Ct;

    /// <summary>Collects the library's activities that belong to one test's trace (other tests may trace in parallel).</summary>
    private sealed class TraceCollector : IDisposable
    {
        private readonly ActivityListener _listener;
        private readonly List<Activity> _stopped = [];

        public TraceCollector()
        {
            _listener = new ActivityListener
            {
                ShouldListenTo = s => s.Name is LlmFallbackDiagnostics.Name or RootSourceName,
                Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
                ActivityStopped = a =>
                {
                    lock (_stopped)
                    {
                        _stopped.Add(a);
                    }
                },
            };
            ActivitySource.AddActivityListener(_listener);
            Root = TestSource.StartActivity("test-root") ?? throw new InvalidOperationException("The root activity was not sampled.");
        }

        public Activity Root { get; }

        public List<Activity> Library()
        {
            lock (_stopped)
            {
                return [.. _stopped.Where(a => a.TraceId == Root.TraceId && a.Source.Name == LlmFallbackDiagnostics.Name)];
            }
        }

        public void Dispose()
        {
            Root.Dispose();
            _listener.Dispose();
        }
    }

    private static string Unique(string name) => $"{name}-{Guid.NewGuid():N}";

    private static object? Tag(Activity activity, string key) => activity.GetTagItem(key);

    [Fact]
    public async Task GetResponseAsync_FailOver_OneCallActivityWithOneChildPerAttempt()
    {
        var f = new FallbackFixture();
        using var trace = new TraceCollector();
        using var client = f.Client(
            [f.Provider("a", f.Always(Script.Status(503)), o => o.Resilience.MaxRetries = 0), f.Provider("b", f.Always(Script.Answer("ok", modelId: "b-v9")))]);

        await client.GetResponseAsync("hi", cancellationToken: Ct);

        var activities = trace.Library();
        var call = Assert.Single(activities, a => a.OperationName == "llmfallback.chat");
        Assert.Equal(trace.Root.SpanId, call.ParentSpanId);
        var attempts = activities.Where(a => a.OperationName == "llmfallback.attempt").OrderBy(a => (int)Tag(a, "llmfallback.attempt")!).ToList();
        Assert.Equal(2, attempts.Count);
        Assert.All(attempts, a => Assert.Equal(call.SpanId, a.ParentSpanId));

        Assert.Equal(("a", "a-model", "failed_over", "server_error", ActivityStatusCode.Error), (Tag(attempts[0], "llmfallback.provider"), Tag(attempts[0], "gen_ai.request.model"), Tag(attempts[0], "llmfallback.decision"), Tag(attempts[0], "error.type"), attempts[0].Status));
        Assert.Equal(("b", "b-v9", "answered", null, ActivityStatusCode.Unset), (Tag(attempts[1], "llmfallback.provider"), Tag(attempts[1], "gen_ai.response.model"), Tag(attempts[1], "llmfallback.decision"), Tag(attempts[1], "error.type"), attempts[1].Status));
        Assert.Equal(2, Tag(attempts[1], "llmfallback.attempt"));
    }

    [Fact]
    public async Task GetStreamingResponseAsync_Rescue_EveryAttemptActivityIsAChildOfTheCallActivity()
    {
        var f = new FallbackFixture();
        using var trace = new TraceCollector();
        using var client = f.Client(
        [
            f.Provider("a", f.Always(Script.Answer("The quick brown").ThenCut())),
            f.Provider("c", f.Always(Script.Answer(" fox.")), o => o.Capabilities.PrefillContinuation = true),
        ]);

        var result = await StreamResult.DrainAsync(client.GetStreamingResponseAsync("hi", cancellationToken: Ct));

        Assert.Null(result.Error);
        var activities = trace.Library();
        var call = Assert.Single(activities, a => a.OperationName == "llmfallback.chat_stream");
        Assert.Equal(trace.Root.SpanId, call.ParentSpanId);
        var attempts = activities.Where(a => a.OperationName == "llmfallback.attempt").ToList();
        Assert.Equal(["a", "c"], attempts.Select(a => (string)Tag(a, "llmfallback.provider")!).Order());
        Assert.All(attempts, a => Assert.Equal(call.SpanId, a.ParentSpanId));
        Assert.Equal("rescued", Tag(attempts.Single(a => (string)Tag(a, "llmfallback.provider")! == "a"), "llmfallback.decision"));
    }

    [Fact]
    public async Task GetResponseAsync_FailOver_RecordsAttemptFailoverAndRequestMetrics()
    {
        var f = new FallbackFixture();
        string a = Unique("a"), b = Unique("b");
        using var attempts = new MetricCollector<long>(LlmFallbackDiagnostics.Attempts);
        using var failovers = new MetricCollector<long>(LlmFallbackDiagnostics.Failovers);
        using var requests = new MetricCollector<long>(LlmFallbackDiagnostics.Requests);
        using var durations = new MetricCollector<double>(LlmFallbackDiagnostics.AttemptDuration);
        using var client = f.Client(
            [f.Provider(a, f.Always(Script.Hang()), o => o.Resilience.AttemptTimeout = TimeSpan.FromSeconds(5)), f.Provider(b, f.Always(Script.Answer("ok")))]);

        var task = client.GetResponseAsync("hi", cancellationToken: Ct);
        f.Advance(TimeSpan.FromSeconds(5));
        await Poll.CompletesAsync(task);

        Assert.Equal([("timeout", "failed_over")], Of(attempts, a).Select(m => (Str(m, "llmfallback.outcome"), Str(m, "llmfallback.decision"))));
        Assert.Equal([("success", "answered")], Of(attempts, b).Select(m => (Str(m, "llmfallback.outcome"), Str(m, "llmfallback.decision"))));
        Assert.Equal(["timeout"], Of(failovers, a).Select(m => Str(m, "llmfallback.outcome")));
        Assert.Empty(Of(failovers, b));
        var request = Assert.Single(Of(requests, b));
        Assert.Equal(("success", true), (Str(request, "llmfallback.outcome"), (bool)request.Tags["llmfallback.fallback"]!));
        Assert.Equal(5.0, Assert.Single(Of(durations, a)).Value);
    }

    [Fact]
    public async Task GetResponseAsync_SkippedProvider_CountsAsFailoverWithoutAttemptDuration()
    {
        var f = new FallbackFixture();
        string a = Unique("a");
        using var failovers = new MetricCollector<long>(LlmFallbackDiagnostics.Failovers);
        using var durations = new MetricCollector<double>(LlmFallbackDiagnostics.AttemptDuration);
        using var client = f.Client(
        [
            f.Provider(a, f.Always(Script.Status(500)), o => (o.Resilience.MaxRetries, o.Resilience.CircuitBreaker.ConsecutiveFailures) = (0, 1)),
            f.Provider(Unique("b"), f.Always(Script.Answer("ok"))),
        ]);

        await client.GetResponseAsync("opens", cancellationToken: Ct);
        await client.GetResponseAsync("skips", cancellationToken: Ct);

        Assert.Equal(["server_error", "unavailable"], Of(failovers, a).Select(m => Str(m, "llmfallback.outcome")));
        Assert.Single(Of(durations, a));
    }

    [Fact]
    public async Task GetResponseAsync_BreakerOpensProbesAndCloses_RecordsEachTransition()
    {
        var f = new FallbackFixture();
        string a = Unique("a");
        using var transitions = new MetricCollector<long>(LlmFallbackDiagnostics.BreakerTransitions);
        var provider = f.Provider(
            a,
            f.Script(Script.Status(500), Script.Answer("back").Forever()),
            o => (o.Resilience.MaxRetries, o.Resilience.CircuitBreaker.ConsecutiveFailures, o.Resilience.CircuitBreaker.BreakDuration) = (0, 1, TimeSpan.FromSeconds(15)));
        using var client = f.Client([provider, f.Provider(Unique("b"), f.Always(Script.Answer("ok")))]);

        await client.GetResponseAsync("opens", cancellationToken: Ct);
        f.Advance(TimeSpan.FromSeconds(15));
        await client.GetResponseAsync("probe", cancellationToken: Ct);

        Assert.Equal(
            [("closed", "open"), ("open", "half_open"), ("half_open", "closed")],
            Of(transitions, a).Select(m => (Str(m, "from"), Str(m, "to"))));
        Assert.Equal(1, f.Logged("BreakerOpened"));
        Assert.Equal(2, f.Logged("BreakerChanged"));
    }

    [Fact]
    public async Task GetStreamingResponseAsync_Rescue_RecordsRescueMetric()
    {
        var f = new FallbackFixture();
        string a = Unique("a");
        using var rescues = new MetricCollector<long>(LlmFallbackDiagnostics.StreamRescues);
        using var client = f.Client(
        [
            f.Provider(a, f.Always(Script.Answer("The quick").ThenCut())),
            f.Provider(Unique("c"), f.Always(Script.Answer(" fox.")), o => o.Capabilities.PrefillContinuation = true),
        ]);

        await StreamResult.DrainAsync(client.GetStreamingResponseAsync("hi", cancellationToken: Ct));

        Assert.Single(Of(rescues, a));
        Assert.Equal(1, f.Logged("StreamRescued"));
    }

    [Fact]
    public async Task GetResponseAsync_Failures_AreLoggedAsStructuredEventsWithStableIds()
    {
        var f = new FallbackFixture();
        using var client = f.Client(
        [
            f.Provider("a", f.Always(Script.Status(429, retryAfter: TimeSpan.FromSeconds(60))), o => o.Resilience.MaxRetryAfter = TimeSpan.FromSeconds(10)),
            f.Provider("b", f.Always(Script.Status(503)), o => o.Resilience.MaxRetries = 0),
        ]);
        await Assert.ThrowsAsync<LlmFallbackExhaustedException>(() => client.GetResponseAsync("one", cancellationToken: Ct));
        await Assert.ThrowsAsync<LlmFallbackExhaustedException>(() => client.GetResponseAsync("two", cancellationToken: Ct));

        var records = f.Logs.GetSnapshot();
        var failed = records.Where(r => r.Id.Name == "AttemptFailed").ToList();
        Assert.Equal([1, 1, 1], failed.Select(r => r.Id.Id));
        Assert.All(failed, r => Assert.Equal(LogLevel.Warning, r.Level));
        Assert.Equal(("a", "RateLimited (HTTP 429, retry after 60s)", "failed_over"), (State(failed[0], "Provider"), State(failed[0], "Failure"), State(failed[0], "Decision")));
        Assert.Equal("LLM attempt 2 on provider 'b' failed: ServerError (HTTP 503); failed_over.", failed[1].Message);

        var cooling = Assert.Single(records, r => r.Id.Name == "CoolingDown");
        Assert.Equal((9, "a"), (cooling.Id.Id, State(cooling, "Upstream")));
        var skipped = Assert.Single(records, r => r.Id.Name == "ProviderSkipped");
        Assert.Equal((2, LogLevel.Debug, "a"), (skipped.Id.Id, skipped.Level, State(skipped, "Provider")));
        Assert.Equal(2, records.Count(r => r.Id is { Id: 5, Name: "FallbackExhausted" }));
    }

    [Fact]
    public async Task GetResponseAsync_EveryProviderFailed_CallActivityEndsWithErrorStatusAndType()
    {
        using var trace = new TraceCollector();
        var f = new FallbackFixture();
        using var client = f.Client([f.Provider(Unique("a"), f.Always(Script.Status(503)), o => o.Resilience.MaxRetries = 0)]);

        await Assert.ThrowsAsync<LlmFallbackExhaustedException>(() => client.GetResponseAsync("hi", cancellationToken: Ct));

        var call = Assert.Single(trace.Library(), a => a.OperationName == "llmfallback.chat");
        Assert.Equal(ActivityStatusCode.Error, call.Status);
        Assert.Equal("all_providers_failed", Tag(call, "error.type"));
    }

    [Fact]
    public async Task GetStreamingResponseAsync_RefusedForContent_CallActivityEndsWithErrorStatusAndType()
    {
        using var trace = new TraceCollector();
        var f = new FallbackFixture();
        using var client = f.Client([f.Provider(Unique("a"), f.Always(Script.Status(400, errorCode: "content_filter")))]);

        var result = await StreamResult.DrainAsync(client.GetStreamingResponseAsync("hi", cancellationToken: Ct));

        Assert.IsType<LlmProviderException>(result.Error);
        var call = Assert.Single(trace.Library(), a => a.OperationName == "llmfallback.chat_stream");
        Assert.Equal(ActivityStatusCode.Error, call.Status);
        Assert.Equal("content_policy", Tag(call, "error.type"));
    }

    [Fact]
    public async Task GetResponseAsync_Answered_CallActivityIsNotAnError()
    {
        using var trace = new TraceCollector();
        var f = new FallbackFixture();
        using var client = f.Client([f.Provider(Unique("a"), f.Always(Script.Answer("hi")))]);

        await client.GetResponseAsync("hi", cancellationToken: Ct);

        var call = Assert.Single(trace.Library(), a => a.OperationName == "llmfallback.chat");
        Assert.Equal(ActivityStatusCode.Unset, call.Status);
        Assert.Null(Tag(call, "error.type"));
    }

    [Fact]
    public async Task GetResponseAsync_FastAttemptOnTheSystemClock_DurationIsExactNotInCoarseSteps()
    {
        var provider = new LlmProvider("exact", new TestChatClient
        {
            // Real time, about a millisecond: the coarse clock would report 0 or a multiple of its 4 ms tick.
            OnGetResponse = async (_, _, ct) =>
            {
                await Task.Delay(1, ct);
                return new ChatResponse(new ChatMessage(ChatRole.Assistant, "hi"));
            },
        });
        using var client = new FallbackChatClient([provider]);

        var durations = new List<TimeSpan>();
        for (var i = 0; i < 5; i++)
        {
            durations.Add((await client.GetResponseAsync("hi", cancellationToken: Ct)).GetLlmCallInfo()!.Attempts[0].Duration);
        }

        Assert.All(durations, d => Assert.True(d > TimeSpan.Zero && d < TimeSpan.FromSeconds(5), $"duration {d}"));
        Assert.Contains(durations, d => d.Ticks % TimeSpan.TicksPerMillisecond != 0);
    }

    [Fact]
    public void GetService_ChatClientMetadata_IsTheStagesOwnNotTheFirstProviders()
    {
        var first = new TestChatClient();
        var f = new FallbackFixture();
        using var client = f.Client([f.Provider("a", first)]);

        var metadata = client.GetService<ChatClientMetadata>();

        Assert.NotNull(metadata);
        Assert.Null(metadata.ProviderName);
        Assert.Null(metadata.DefaultModelId);
    }

    [Fact]
    public async Task OuterUseOpenTelemetry_FallbackAnswered_SpanDoesNotNameTheFirstProvider()
    {
        using var trace = new TraceCollector();
        var f = new FallbackFixture();
        var first = new MetadataClient(new ChatClientMetadata("first-provider", null, "first-model"), Script.Status(503));
        var second = new MetadataClient(new ChatClientMetadata("second-provider", null, "second-model"), Script.Answer("from b", modelId: "second-model"));
        using var fallback = f.Client([f.Provider("a", first, o => (o.Model, o.Resilience.MaxRetries) = (null, 0)), f.Provider("b", second, o => o.Model = null)]);
        var sourceName = Unique("app");
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == sourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);
        Activity? span = null;
        listener.ActivityStopped = a => span = a;
        using var pipeline = new ChatClientBuilder(fallback).UseOpenTelemetry(sourceName: sourceName).Build();

        var response = await pipeline.GetResponseAsync("hi", cancellationToken: Ct);

        Assert.Equal("from b", response.Text);
        Assert.NotNull(span);
        Assert.DoesNotContain(span.TagObjects, t => Equals(t.Value, "first-provider") || Equals(t.Value, "first-model"));
        Assert.Equal("second-model", span.GetTagItem("gen_ai.response.model"));
    }

    private sealed class MetadataClient(ChatClientMetadata metadata, ScriptStep step) : IChatClient
    {
        private readonly ScriptedChatClient _inner = ScriptedChatClient.Always(step);

        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            _inner.GetResponseAsync(messages, options, cancellationToken);

        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            _inner.GetStreamingResponseAsync(messages, options, cancellationToken);

        public object? GetService(Type serviceType, object? serviceKey = null) => serviceType == typeof(ChatClientMetadata) ? metadata : null;

        public void Dispose() => _inner.Dispose();
    }

    [Fact]
    public async Task GetResponseAsync_Answered_AttemptSpanCarriesGenAiProviderModelsAndUsage()
    {
        var f = new FallbackFixture();
        using var trace = new TraceCollector();
        var usage = new UsageDetails { InputTokenCount = 12, OutputTokenCount = 34 };
        using var client = f.Client([f.Provider("a", f.Always(Script.Answer("ok", "gpt-4o-2024", usage)), o => (o.Type, o.Model) = ("OpenAI", "gpt-4o"))]);

        await client.GetResponseAsync("hi", cancellationToken: Ct);

        var attempt = Assert.Single(trace.Library(), a => a.OperationName == "llmfallback.attempt");
        Assert.Equal(
            ("openai", "gpt-4o", "gpt-4o-2024", 12L, 34L),
            (Tag(attempt, "gen_ai.provider.name"), Tag(attempt, "gen_ai.request.model"), Tag(attempt, "gen_ai.response.model"), Tag(attempt, "gen_ai.usage.input_tokens"), Tag(attempt, "gen_ai.usage.output_tokens")));
    }

    [Fact]
    public async Task GetStreamingResponseAsync_Answered_UsageOnTheSpanAndTimeToFirstTokenRecorded()
    {
        var f = new FallbackFixture();
        var name = Unique("a");
        using var trace = new TraceCollector();
        using var ttft = new MetricCollector<double>(LlmFallbackDiagnostics.TimeToFirstToken);
        using var client = f.Client([f.Provider(name, f.Always(Script.Answer("Hello", usage: new UsageDetails { InputTokenCount = 5, OutputTokenCount = 2 })), o => o.Type = "Anthropic")]);

        await StreamResult.DrainAsync(client.GetStreamingResponseAsync("hi", cancellationToken: Ct));

        var attempt = Assert.Single(trace.Library(), a => a.OperationName == "llmfallback.attempt");
        Assert.Equal((5L, 2L), (Tag(attempt, "gen_ai.usage.input_tokens"), Tag(attempt, "gen_ai.usage.output_tokens")));
        var recorded = Assert.Single(Of(ttft, name));
        Assert.Equal(0.0, recorded.Value);
        Assert.Equal(("anthropic", name + "-model"), (Str(recorded, "gen_ai.provider.name"), Str(recorded, "gen_ai.request.model")));
        Assert.Equal("llmfallback.attempt.time_to_first_token", LlmFallbackDiagnostics.TimeToFirstToken.Name);
        Assert.Equal("s", LlmFallbackDiagnostics.TimeToFirstToken.Unit);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task GetStreamingResponseAsync_FirstTokenAfterThreeSeconds_TimeToFirstTokenIsExactlyThat(bool firstTokenTimeout)
    {
        // The time to first token is read only when something records it (here a metric listener), with or without a
        // first-token limit running; the value is the exact delay.
        var f = new FallbackFixture();
        var name = Unique("a");
        using var ttft = new MetricCollector<double>(LlmFallbackDiagnostics.TimeToFirstToken);
        var options = FallbackFixture.Options(o => o.Streaming.FirstTokenTimeout = firstTokenTimeout ? TimeSpan.FromSeconds(20) : Timeout.InfiniteTimeSpan);
        using var client = f.Client([f.Provider(name, f.Always(Script.Stream("Hello").WithFirstTokenDelay(TimeSpan.FromMilliseconds(3250))))], options);

        var stream = new StreamResult().ReadAsync(client.GetStreamingResponseAsync("hi", cancellationToken: Ct));
        await Poll.UntilAsync(() => f.Time.TryTakeArmed(TimeSpan.FromMilliseconds(3250)), "the first token is scheduled");
        f.Advance(TimeSpan.FromMilliseconds(3250));

        Assert.Equal("Hello", (await Poll.CompletesAsync(stream)).Text);
        Assert.Equal(3.25, Assert.Single(Of(ttft, name)).Value, precision: 6);
    }

    private static IEnumerable<CollectedMeasurement<T>> Of<T>(MetricCollector<T> collector, string provider)
        where T : struct =>
        collector.GetMeasurementSnapshot().Where(m => m.Tags.TryGetValue("llmfallback.provider", out var p) && (string?)p == provider);

    private static string? Str<T>(CollectedMeasurement<T> m, string key)
        where T : struct => m.Tags[key]?.ToString();

    private static string? State(Microsoft.Extensions.Logging.Testing.FakeLogRecord record, string key) =>
        record.StructuredState!.Single(kv => kv.Key == key).Value;
}
