using LlmFallback.Conformance;
using LlmFallback.TestSupport;
using LlmFallback.OpenAI.Tests.Wire;
using Microsoft.Extensions.DependencyInjection;

namespace LlmFallback.OpenAI.Tests.Load;

[CollectionDefinition(nameof(LoadCollection), DisableParallelization = true)]
public sealed class LoadCollection;

/// <summary>
/// The case production incidents are made of: every provider partly degraded at once. Two loopback vLLM servers,
/// each failing about 30% of calls with mixed faults; 2,000 streaming requests, 64 in flight, through the real
/// OpenAI-compatible adapter and the default fallback settings, on a fake clock pumped while the machine is idle.
/// </summary>
[Collection(nameof(LoadCollection))]
public sealed class DegradedProvidersLoadTests : IAsyncLifetime
{
    private const int Requests = 2000;
    private const int Concurrency = 64;
    private const int MaxAttempts = 6;
    private readonly OpenAILoopbackServer _primary = new();
    private readonly OpenAILoopbackServer _fallback = new();
    private readonly ManualTimeProvider _clock = new();

    public async ValueTask InitializeAsync()
    {
        await _primary.StartAsync(TestContext.Current.CancellationToken);
        await _fallback.StartAsync(TestContext.Current.CancellationToken);
        _primary.Clock = _fallback.Clock = _clock;
    }

    public async ValueTask DisposeAsync()
    {
        await _primary.DisposeAsync();
        await _fallback.DisposeAsync();
    }

    [Fact]
    public async Task Streams_BothProvidersFailingThirtyPercent_NearlyAllAnsweredWithinBudgetAndCoolDowns()
    {
        var primary = new DegradedUpstream(seed: 11);
        var fallback = new DegradedUpstream(seed: 12);
        var run = await RunAsync(primary, fallback);

        Report(run);
        Assert.Empty(run.Unexpected);
        Assert.Empty(run.Truncated);
        Assert.True(run.Answered >= 0.97 * Requests, $"only {run.Answered} of {Requests} requests were answered");
        Assert.True(run.MaxCalls <= MaxAttempts, $"a request made {run.MaxCalls} calls");
        Assert.Empty(run.PrimaryAudit.Violations());
        Assert.Empty(run.FallbackAudit.Violations());
        Assert.True(run.PrimaryAudit.CoolDowns > 10 && run.FallbackAudit.CoolDowns > 10, "the load must really contain cool-downs");
        Assert.Equal(LlmCircuitState.Closed, run.PrimaryHealth.State);
        Assert.Equal(LlmCircuitState.Closed, run.FallbackHealth.State);
    }

    [Fact]
    public async Task Streams_PrimaryFullyDownForAMinuteThenDegraded_BreakerShieldsItAndBringsItBack()
    {
        var primary = new DegradedUpstream(seed: 21) { Down = true };
        var fallback = new DegradedUpstream(seed: 22);
        var recovered = DateTimeOffset.MaxValue;
        var downUntil = _clock.GetUtcNow() + TimeSpan.FromSeconds(60);
        using var recovery = _clock.CreateTimer(
            _ =>
            {
                recovered = _clock.GetUtcNow();
                primary.Down = false;
            },
            null,
            TimeSpan.FromSeconds(60),
            Timeout.InfiniteTimeSpan);

        var run = await RunAsync(primary, fallback);

        Report(run);
        Assert.Empty(run.Unexpected);
        Assert.Empty(run.Truncated);
        var start = downUntil - TimeSpan.FromSeconds(60);
        var firstBurst = run.PrimaryAudit.Sent.Count(t => t < start + TimeSpan.FromSeconds(5));
        var shielded = run.PrimaryAudit.Sent.Count(t => t >= start + TimeSpan.FromSeconds(5) && t < downUntil);
        var afterwards = run.PrimaryAudit.Sent.Count(t => t >= recovered);

        // Shielded: the first burst (64 requests arriving at once, with their retries) opens the breaker; for the rest
        // of the outage the primary sees one probe per 15-second break (and no panic call: the fallback's breaker holds).
        Assert.InRange(firstBurst, 20, 3 * 64);
        Assert.InRange(shielded, 1, 6);
        Assert.True(afterwards > Requests / 4, $"the primary was not returned to use after it recovered ({afterwards} calls)");
        Assert.True(run.Answered >= 0.95 * Requests, $"only {run.Answered} of {Requests} requests were answered");
        Assert.True(run.MaxCalls <= MaxAttempts, $"a request made {run.MaxCalls} calls");
        Assert.Empty(run.PrimaryAudit.Violations());
        Assert.Empty(run.FallbackAudit.Violations());
        Assert.Equal(LlmCircuitState.Closed, run.FallbackHealth.State);
    }

    private async Task<LoadRun> RunAsync(DegradedUpstream primary, DegradedUpstream fallback)
    {
        _primary.ScenarioSource = primary.Next;
        _fallback.ScenarioSource = fallback.Next;
        var primaryAudit = new CoolDownAudit(_clock);
        var fallbackAudit = new CoolDownAudit(_clock);
        await using var sp = TestProviders.Build(
            b => b
                .AddOpenAICompatibleProvider("primary", OpenAICompatiblePresets.VLlm, o => { o.Model = "llama-a"; o.Endpoint = _primary.V1(); })
                .AddOpenAICompatibleProvider("fallback", OpenAICompatiblePresets.VLlm, o => { o.Model = "llama-b"; o.Endpoint = _fallback.V1(); }),
            time: _clock,
            services: s =>
            {
                s.AddFallbackChatClient("primary", "fallback");
                s.AddHttpClient(LlmHttpClientServiceCollectionExtensions.GetLlmHttpClientName("primary")).AddHttpMessageHandler(primaryAudit.CreateHandler);
                s.AddHttpClient(LlmHttpClientServiceCollectionExtensions.GetLlmHttpClientName("fallback")).AddHttpMessageHandler(fallbackAudit.CreateHandler);
            });
        var chat = sp.GetRequiredService<IChatClient>();
        var outcomes = new Outcome[Requests];
        var next = -1;
        long received = 0;
        var started = TimeProvider.System.GetTimestamp();
        var startedFake = _clock.GetUtcNow();
        var workers = Task.WhenAll(Enumerable.Range(0, Concurrency).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < Requests)
            {
                outcomes[i] = await StreamOneAsync(chat, i, () => Interlocked.Increment(ref received));
            }
        })));
        await _clock.PumpUntilAsync(workers, TimeSpan.FromMilliseconds(10), TimeSpan.FromMinutes(5), () => LoopbackProviderServer.Writes + Interlocked.Read(ref received));
        await workers;

        return new LoadRun(
            outcomes,
            primaryAudit,
            fallbackAudit,
            sp.GetRequiredKeyedService<LlmProvider>("primary").GetHealth(),
            sp.GetRequiredKeyedService<LlmProvider>("fallback").GetHealth(),
            TimeProvider.System.GetElapsedTime(started),
            _clock.GetUtcNow() - startedFake);
    }

    private static async Task<Outcome> StreamOneAsync(IChatClient chat, int id, Action progress)
    {
        var updates = new List<ChatResponseUpdate>();
        try
        {
            await foreach (var update in chat.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, $"question {id}")], cancellationToken: TestContext.Current.CancellationToken))
            {
                updates.Add(update);
                progress();
            }

            progress();
            var response = updates.ToChatResponse();
            var info = updates[^1].GetLlmCallInfo();
            return new Outcome(info, response.Text, response.FinishReason, null, null);
        }
        catch (LlmException ex)
        {
            return new Outcome(null, updates.ToChatResponse().Text, null, ex, null);
        }
#pragma warning disable CA1031 // Anything else is a defect, reported with its request.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            return new Outcome(null, null, null, null, ex);
        }
    }

    private static void Report(LoadRun run) => TestContext.Current.TestOutputHelper?.WriteLine(run.Describe());

    private sealed record Outcome(LlmCallInfo? Info, string? Text, ChatFinishReason? FinishReason, LlmException? Error, Exception? Unexpected)
    {
        public int Calls => Info?.AttemptCount ?? Error?.Attempts.Count(a => a.Decision != LlmAttemptDecision.Skipped) ?? 0;
    }

    private sealed record LoadRun(Outcome[] Outcomes, CoolDownAudit PrimaryAudit, CoolDownAudit FallbackAudit, LlmProviderHealth PrimaryHealth, LlmProviderHealth FallbackHealth, TimeSpan RealTime, TimeSpan FakeTime)
    {
        public int Answered => Outcomes.Count(o => o.Info is not null && o.Text == DegradedUpstream.Answer && o.FinishReason is not null);

        public int MaxCalls => Outcomes.Max(o => o.Calls);

        /// <summary>Gets the requests that ended as a success without the whole answer: never allowed.</summary>
        public IReadOnlyList<string> Truncated => [.. Outcomes.Where(o => o.Info is not null && (o.Text != DegradedUpstream.Answer || o.FinishReason is null)).Select(o => $"'{o.Text}' ({o.Info})")];

        public IReadOnlyList<string> Unexpected => [.. Outcomes.Where(o => o.Unexpected is not null).Select(o => o.Unexpected!.ToString())];

        public string Describe() => string.Join(
            Environment.NewLine,
            new[]
            {
                $"answered {Answered} of {Outcomes.Length}; rescued {Outcomes.Count(o => o.Info?.Rescued == true)}; fell back {Outcomes.Count(o => o.Info?.IsFallback == true)}",
                $"calls: primary {PrimaryAudit.Sent.Count}, fallback {FallbackAudit.Sent.Count}; most in one request {MaxCalls}; cool-downs: primary {PrimaryAudit.CoolDowns}, fallback {FallbackAudit.CoolDowns}",
                $"breakers at the end: primary {PrimaryHealth.State}, fallback {FallbackHealth.State}; fake time {FakeTime}, real time {RealTime}",
            }.Concat(Outcomes.Where(o => o.Error is not null).GroupBy(o => o.Error!.GetType().Name + ": " + string.Join(" | ", o.Error!.Attempts.Select(a => $"{a.Provider} {a.Failure} {a.Decision}")))
                .OrderByDescending(g => g.Count()).Take(10).Select(g => $"  {g.Count()} x {g.Key}")));
    }
}
