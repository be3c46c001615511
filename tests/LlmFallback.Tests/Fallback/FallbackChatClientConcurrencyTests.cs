using System.Collections.Concurrent;
using System.Net.Http;
using LlmFallback.Testing;
using LlmFallback.TestSupport;

namespace LlmFallback.Tests.Fallback;

[CollectionDefinition(nameof(FallbackSoakCollection), DisableParallelization = true)]
public sealed class FallbackSoakCollection;

/// <summary>
/// A soak under concurrency: many requests, streaming and not, over providers with seeded random faults, on a fake
/// clock advanced by a pump. Every request must end in exactly one outcome, within its attempt budget.
/// </summary>
[Collection(nameof(FallbackSoakCollection))]
public sealed class FallbackChatClientConcurrencyTests
{
    private const int Requests = 1000;
    private const int MaxAttempts = 6;

    /// <summary>
    /// A provider's behaviour: answers at once with weight <paramref name="health"/>, otherwise one of every fault.
    /// A Retry-After cools the whole provider down, so under load its weight decides how often the provider is usable.
    /// </summary>
    private static ScriptStep Faults(int seed, string answer, double health, double coolDowns) => Script.Random(
        seed,
        (health, Script.Answer(answer)),
        (0.05, Script.Answer(answer).WithFirstTokenDelay(TimeSpan.FromSeconds(1))),
        (coolDowns * 0.75, Script.Status(429, retryAfter: TimeSpan.FromSeconds(1))),
        (coolDowns * 0.25, Script.Status(429, retryAfter: TimeSpan.FromSeconds(4))),
        (0.05, Script.Status(429)),
        (0.07, Script.Status(500)),
        (0.07, Script.Status(503)),
        (0.05, Script.Throw(() => new HttpRequestException("Connection reset by peer"))),
        (0.05, Script.Hang()),
        (0.02, Script.Status(400, errorCode: "content_filter")),
        (0.06, Script.Answer(answer).ThenCut()),
        (0.03, Script.Answer(answer).ThenStall()),
        (0.02, Script.Answer(answer).WithoutFinish()));

    [Fact]
    public async Task GetResponseAndStreaming_ThousandConcurrentRequestsWithRandomFaults_EachGetsExactlyOneOutcomeWithinBudget()
    {
        FlushFinalizers();
        var unobserved = new ConcurrentQueue<Exception>();
        void OnUnobserved(object? sender, UnobservedTaskExceptionEventArgs e) => unobserved.Enqueue(e.Exception);
        TaskScheduler.UnobservedTaskException += OnUnobserved;
        try
        {
            await RunSoakAsync();
            FlushFinalizers();
            Assert.Empty(unobserved);
        }
        finally
        {
            TaskScheduler.UnobservedTaskException -= OnUnobserved;
        }
    }

    private static async Task RunSoakAsync()
    {
        var clock = new ManualTimeProvider();
        string[] answers = ["p0 says the answer is 42.", "p1 says the answer is 42.", "p2 says the answer is 42."];
        (double Health, double CoolDowns)[] profiles = [(0.5, 0.04), (0.8, 0.02), (4.0, 0.01)];
        ScriptedChatClient[] fakes = [.. answers.Select((a, i) => ScriptedChatClient.Always(Faults(seed: 7 + i, a, profiles[i].Health, profiles[i].CoolDowns), clock))];
        LlmProvider[] providers =
        [
            .. fakes.Select((fake, i) => new LlmProvider($"p{i}", fake, new LlmProviderOptions
            {
                Model = $"m{i}",
                Capabilities = { PrefillContinuation = i == 2 },
                Resilience =
                {
                    MaxRetries = 2,
                    BaseDelay = TimeSpan.FromMilliseconds(200),
                    MaxDelay = TimeSpan.FromSeconds(1),
                    MaxRetryAfter = TimeSpan.FromSeconds(2),
                    AttemptTimeout = TimeSpan.FromSeconds(5),
                    CircuitBreaker = { ConsecutiveFailures = 5, BreakDuration = TimeSpan.FromSeconds(3) },
                },
            }, timeProvider: clock)),
        ];
        var options = new FallbackOptions
        {
            MaxAttemptsPerRequest = MaxAttempts,
            Streaming = { FirstTokenTimeout = TimeSpan.FromSeconds(3), IdleTimeout = TimeSpan.FromSeconds(2), CompletionGracePeriod = TimeSpan.FromSeconds(1) },
        };
        using var client = new FallbackChatClient(providers, options, timeProvider: clock);

        var outcomes = new Outcome[Requests];
        var started = TimeProvider.System.GetTimestamp();
        // All requests are in flight together; each arrives at its own moment of the first 20 fake seconds.
        var arrivals = new Random(42);
        var all = Task.WhenAll(Enumerable.Range(0, Requests).Select(i =>
        {
            var arrival = TimeSpan.FromMilliseconds(arrivals.Next(20_000));
            return Task.Run(async () =>
            {
                await Task.Delay(arrival, clock, TestContext.Current.CancellationToken);
                outcomes[i] = await RunOneAsync(client, i);
            });
        }));
        await clock.PumpUntilAsync(all, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(60));
        await all;
        var realTime = TimeProvider.System.GetElapsedTime(started);

        // Calls per request, as the providers saw them.
        var calls = new int[Requests];
        foreach (var call in fakes.SelectMany(f => f.Calls))
        {
            calls[int.Parse(call.Messages[0].Text.AsSpan(4), System.Globalization.CultureInfo.InvariantCulture)]++;
        }

        for (var i = 0; i < Requests; i++)
        {
            var outcome = outcomes[i];
            Assert.NotNull(outcome);
            Assert.True(outcome.Unexpected is null, $"request {i} ended in {outcome.Unexpected}");
            Assert.True((outcome.Info is null) != (outcome.Error is null), $"request {i} must have exactly one of a response and an error");
            Assert.InRange(calls[i], 0, MaxAttempts);
            if (outcome.Info is { } info)
            {
                Assert.Equal(calls[i], info.AttemptCount);
                Assert.Equal(info.Provider, info.Attempts[^1].Provider);
                var answer = answers[info.Provider[1] - '0'];
                Assert.True(info.Rescued ? outcome.Text!.EndsWith(answer, StringComparison.Ordinal) : outcome.Text == answer, $"request {i} answered '{outcome.Text}' ({info})");
            }
            else
            {
                Assert.Equal(calls[i], outcome.Error!.Attempts.Count(a => a.Decision != LlmAttemptDecision.Skipped));
            }
        }

        TestContext.Current.TestOutputHelper?.WriteLine(string.Join(
            Environment.NewLine,
            outcomes.GroupBy(o => o.Info is { } info ? $"answered by {info.Provider} (fallback {info.IsFallback}, rescued {info.Rescued})" : o.Error!.GetType().Name + " " + (o.Error as LlmProviderException)?.Kind)
                .OrderBy(g => g.Key)
                .Select(g => $"{g.Key}: {g.Count()}")
                .Concat(outcomes.Where(o => o.Error is LlmFallbackExhaustedException).GroupBy(o => string.Join(" | ", o.Error!.Attempts.Select(a => $"{a.Provider} {a.Failure?.ToString()} {a.Decision}"))).OrderByDescending(g => g.Count()).Take(8).Select(g => $"  {g.Count()} x {g.Key}"))
                .Append($"calls: {calls.Sum()}, fake time: {clock.GetUtcNow():HH:mm:ss.fff}, real time: {realTime}")));

        // The faults were really mixed: some of everything happened.
        Assert.Contains(outcomes, o => o.Info is { IsFallback: false });
        Assert.Contains(outcomes, o => o.Info is { IsFallback: true, Rescued: false });
        Assert.Contains(outcomes, o => o.Info is { Rescued: true });
        Assert.Contains(outcomes, o => o.Error is LlmProviderException { Kind: LlmFailureKind.ContentPolicy });

        // Degraded, not down: every request that was not refused for its content is answered, because a request that
        // finds every provider cooling down waits for one instead of failing.
        var refusedForContent = outcomes.Count(o => o.Error is LlmProviderException { Kind: LlmFailureKind.ContentPolicy });
        Assert.True(outcomes.Count(o => o.Info is not null) >= 0.97 * (Requests - refusedForContent), "fewer than 97% of the requests were answered");
        Assert.Contains(outcomes, o => o.Info?.Attempts.Any(a => a.Kind == LlmFailureKind.Timeout) == true);
        Assert.True(realTime < TimeSpan.FromSeconds(30), $"the soak took {realTime}");
    }

    private static async Task<Outcome> RunOneAsync(FallbackChatClient client, int id)
    {
        List<ChatMessage> messages = [new(ChatRole.User, $"req-{id}")];
        var updates = new List<ChatResponseUpdate>();
        try
        {
            if (id % 2 == 0)
            {
                var response = await client.GetResponseAsync(messages, cancellationToken: TestContext.Current.CancellationToken);
                return new Outcome { Info = response.GetLlmCallInfo() ?? throw new InvalidOperationException("no call info"), Text = response.Text };
            }

            await foreach (var update in client.GetStreamingResponseAsync(messages, cancellationToken: TestContext.Current.CancellationToken))
            {
                updates.Add(update);
            }

            // A stream is a success only with a finish reason, and says who answered in its final update.
            var streamed = updates.ToChatResponse();
            if (streamed.FinishReason is null || updates[^1].GetLlmCallInfo() is not { } info || streamed.Messages.Count != 1)
            {
                throw new InvalidOperationException($"stream {id} ended as a success without a finish reason, call info or a single message");
            }

            return new Outcome { Info = info, Text = streamed.Text };
        }
        catch (LlmException ex) when (!updates.Exists(u => u.GetLlmCallInfo() is not null))
        {
            return new Outcome { Error = ex };
        }
#pragma warning disable CA1031 // Anything else is a failure of the soak, reported with the request.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            return new Outcome { Unexpected = ex };
        }
    }

    private static void FlushFinalizers()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
    }

    private sealed class Outcome
    {
        public LlmCallInfo? Info { get; init; }

        public string? Text { get; init; }

        public LlmException? Error { get; init; }

        public Exception? Unexpected { get; init; }
    }
}
