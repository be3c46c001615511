using LlmFallback.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;

namespace LlmFallback.Tests.Fallback;

/// <summary>
/// One fake clock, providers on it (sharing upstream state by name, as the registry does), and fallback clients with
/// a fixed backoff jitter so every delay is exact.
/// </summary>
internal sealed class FallbackFixture
{
    private readonly Dictionary<string, UpstreamState> _upstreams = new(StringComparer.OrdinalIgnoreCase);

    public FallbackFixture()
    {
        Start = Time.GetUtcNow();
        LoggerFactory = Microsoft.Extensions.Logging.LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(new FakeLoggerProvider(Logs)));
    }

    /// <summary>Gets every log record the providers and fallback clients wrote.</summary>
    public FakeLogCollector Logs { get; } = new();

    public ObservedFakeTimeProvider Time { get; } = new();

    /// <summary>Gets the fake time at which the fixture was made (the "t0" of every assertion).</summary>
    public DateTimeOffset Start { get; }

    /// <summary>Gets how much fake time has passed since <see cref="Start"/>.</summary>
    public TimeSpan Elapsed => Time.GetUtcNow() - Start;

    public ILoggerFactory LoggerFactory { get; }

    /// <summary>A fake API key that must never appear in an exception message or a log.</summary>
    public const string FakeKey = "sk-live-FAKE0123456789abcdefSECRET";

    /// <summary>
    /// Gets the test's token, cancelled after 15 s of real time as well: a request that waits on fake time nobody
    /// advances (a regression) then fails its test instead of hanging the run.
    /// </summary>
    public static CancellationToken Ct
    {
        get
        {
            var watchdog = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
            watchdog.CancelAfter(TimeSpan.FromSeconds(15));
            return watchdog.Token;
        }
    }

    /// <summary>A provider on the fixture's clock; model "<paramref name="name"/>-model" unless configured otherwise.</summary>
    public LlmProvider Provider(string name, IChatClient client, Action<LlmProviderOptions>? configure = null)
    {
        var options = new LlmProviderOptions { Model = name + "-model" };
        configure?.Invoke(options);
        UpstreamState? upstream = null;
        if (options.Upstream is { } upstreamName && !_upstreams.TryGetValue(upstreamName, out upstream))
        {
            _upstreams[upstreamName] = upstream = new UpstreamState(upstreamName);
        }

        return new LlmProvider(name, client, options, null, Time, LoggerFactory, upstream, null);
    }

    public ScriptedChatClient Script(params ScriptStep[] steps) => ScriptedChatClient.Sequence(Time, steps);

    public ScriptedChatClient Always(ScriptStep step) => ScriptedChatClient.Always(step, Time);

    public FallbackChatClient Client(IEnumerable<LlmProvider> providers, FallbackOptions? options = null, LlmRetryBudget? budget = null, double jitter = 0.5) =>
        new(providers, options, budget, Time, LoggerFactory) { Jitter = () => jitter };

    public static FallbackOptions Options(Action<FallbackOptions> configure)
    {
        var options = new FallbackOptions();
        configure(options);
        return options;
    }

    public void Advance(TimeSpan delta) => Time.Advance(delta);

    /// <summary>
    /// Advances the clock and waits until something creates a new timer, i.e. a scripted stream asked for its next
    /// delayed token because the fallback consumed the previous one.
    /// </summary>
    public async Task AdvanceUntilNextTimerAsync(TimeSpan delta)
    {
        var before = Time.TimersCreated;
        Time.Advance(delta);
        await Poll.UntilAsync(() => Time.TimersCreated > before, "the next timer is created");
    }

    public void AdvanceMs(int milliseconds) => Time.Advance(TimeSpan.FromMilliseconds(milliseconds));

    /// <summary>
    /// Asserts that <paramref name="client"/> receives its next call exactly <paramref name="delay"/> from now: not
    /// one millisecond earlier, and as soon as the clock reaches it.
    /// </summary>
    public async Task ExpectCallAfterAsync(ScriptedChatClient client, TimeSpan delay)
    {
        // First make sure the wait exists: the code under test arms it on the thread pool after the previous call.
        await Poll.UntilAsync(() => Time.TryTakeArmed(delay), $"a {delay} timer is armed");
        var before = client.CallCount;
        var due = Time.GetUtcNow() + delay;
        if (delay > TimeSpan.FromMilliseconds(1))
        {
            Time.Advance(delay - TimeSpan.FromMilliseconds(1));
            await Poll.SettleAsync();
            Assert.Equal(before, client.CallCount);
            Time.Advance(TimeSpan.FromMilliseconds(1));
        }
        else
        {
            Time.Advance(delay);
        }

        await Poll.UntilAsync(() => client.CallCount > before, "the next call arrives");
        Assert.Equal(before + 1, client.CallCount);
        Assert.Equal(due, client.Calls[before].ArrivedAt);
    }

    /// <summary>How many records with this event name were logged so far.</summary>
    public int Logged(string eventName) => Logs.GetSnapshot().Count(r => r.Id.Name == eventName);

    /// <summary>Waits until the fallback logged <paramref name="count"/> failed attempts: the failure was classified and decided.</summary>
    public Task AttemptsFailedAsync(int count) => Poll.UntilAsync(() => Logged("AttemptFailed") >= count, $"{count} attempts failed");

    /// <summary>The fake times (relative to <see cref="Start"/>) at which <paramref name="client"/> was called.</summary>
    public TimeSpan[] CallTimes(ScriptedChatClient client) => [.. client.Calls.Select(c => c.ArrivedAt - Start)];
}

/// <summary>
/// A fake clock that records every timer armed on it (each Task.Delay creates one; attempt timers are re-armed with
/// Change), so a test can wait until the code under test has armed the wait it is about to advance past.
/// </summary>
internal sealed class ObservedFakeTimeProvider : FakeTimeProvider
{
    private readonly List<(long DueMs, DateTimeOffset At)> _armed = [];
    private int _timersCreated;

    public int TimersCreated => Volatile.Read(ref _timersCreated);

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new ObservedTimer(this, base.CreateTimer(callback, state, dueTime, period));
        Interlocked.Increment(ref _timersCreated);
        OnArmed(dueTime);
        return timer;
    }

    /// <summary>Consumes a record of a timer armed now for exactly <paramref name="due"/> (to the millisecond, as fake timers run).</summary>
    public bool TryTakeArmed(TimeSpan due)
    {
        var now = GetUtcNow();
        lock (_armed)
        {
            var i = _armed.FindIndex(a => a.DueMs == (long)due.TotalMilliseconds && a.At == now);
            if (i < 0)
            {
                return false;
            }

            _armed.RemoveAt(i);
            return true;
        }
    }

    private void OnArmed(TimeSpan due)
    {
        if (due != Timeout.InfiniteTimeSpan)
        {
            lock (_armed)
            {
                _armed.Add(((long)due.TotalMilliseconds, GetUtcNow()));
            }
        }
    }

    private sealed class ObservedTimer(ObservedFakeTimeProvider owner, ITimer inner) : ITimer
    {
        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            var changed = inner.Change(dueTime, period);
            owner.OnArmed(dueTime);
            return changed;
        }

        public void Dispose() => inner.Dispose();

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}

/// <summary>Bounded real-time polling for work that continues on the thread pool after a fake timer fires.</summary>
internal static class Poll
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(10);

    public static async Task UntilAsync(Func<bool> condition, string what = "the condition holds")
    {
        var start = TimeProvider.System.GetTimestamp();
        while (!condition())
        {
            if (TimeProvider.System.GetElapsedTime(start) > Limit)
            {
                Assert.Fail($"Gave up waiting until {what}.");
            }

            await Task.Delay(1);
        }
    }

    /// <summary>Lets continuations already queued on the thread pool run (a few milliseconds of real time).</summary>
    public static async Task SettleAsync()
    {
        for (var i = 0; i < 3; i++)
        {
            await Task.Delay(1);
        }
    }

    /// <summary>Waits for a task that needs no more fake time; fails instead of hanging.</summary>
    public static async Task<T> CompletesAsync<T>(Task<T> task)
    {
        await UntilAsync(() => task.IsCompleted, "the request completes");
        return await task;
    }
}

/// <summary>What a caller received from a stream: every update, and how it ended.</summary>
internal sealed class StreamResult
{
    public List<ChatResponseUpdate> Updates { get; } = [];

    public Exception? Error { get; set; }

    /// <summary>Gets the fake time at which the caller received each update (when drained with a clock).</summary>
    public List<DateTimeOffset> ReceivedAt { get; } = [];

    public string Text => string.Concat(Updates.Select(u => u.Text));

    public ChatResponse ToResponse() => Updates.ToChatResponse();

    public static Task<StreamResult> DrainAsync(IAsyncEnumerable<ChatResponseUpdate> stream, TimeProvider? clock = null) =>
        new StreamResult().ReadAsync(stream, clock);

    /// <summary>Reads <paramref name="stream"/> into this result; <see cref="Count"/> shows progress meanwhile.</summary>
    public async Task<StreamResult> ReadAsync(IAsyncEnumerable<ChatResponseUpdate> stream, TimeProvider? clock = null)
    {
        var result = this;
        try
        {
            await foreach (var update in stream)
            {
                lock (result.Updates)
                {
                    result.Updates.Add(update);
                    result.ReceivedAt.Add(clock?.GetUtcNow() ?? default);
                }
            }
        }
#pragma warning disable CA1031 // The test inspects whatever ended the stream.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            result.Error = ex;
        }

        return result;
    }

    public int Count
    {
        get
        {
            lock (Updates)
            {
                return Updates.Count;
            }
        }
    }
}
