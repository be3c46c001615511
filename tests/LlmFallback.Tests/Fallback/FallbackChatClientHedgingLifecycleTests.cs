using LlmFallback.Testing;
using Microsoft.Extensions.Time.Testing;

namespace LlmFallback.Tests.Fallback;

/// <summary>
/// Hedged attempts whose calls end in unusual ways: a deadline while the other call runs (what the failure keeps), and
/// an application classifier that throws in the middle of the race (every timer and stream still released once).
/// </summary>
public sealed class FallbackChatClientHedgingLifecycleTests
{
    private static readonly List<ChatMessage> Hello = [new(ChatRole.User, "hello")];

    private static readonly string Echoed = $"request aborted; Authorization: Bearer {FallbackFixture.FakeKey}";

    private static FallbackOptions Hedging() => FallbackFixture.Options(o =>
    {
        o.Hedging.Enabled = true;
        o.Hedging.Delay = TimeSpan.FromSeconds(2);
        o.Hedging.MaxHedgeRatio = 1;
    });

    private static async Task<T> DriveAsync<T>(FallbackFixture f, Task<T> task)
    {
        for (var i = 0; i < 40 && !task.IsCompleted; i++)
        {
            await Poll.SettleAsync();
            if (!task.IsCompleted)
            {
                f.Advance(TimeSpan.FromMilliseconds(500));
            }
        }

        return await Poll.CompletesAsync(task);
    }

    [Fact]
    public async Task GetResponseAsync_PrimaryHitsItsDeadlineWhileTheHedgeRuns_TheTimeoutKeepsNoSecret()
    {
        var f = new FallbackFixture();
        var primaryClient = new TestChatClient
        {
            OnGetResponse = async (_, _, ct) =>
            {
                await HangThenEchoAsync(f, ct);
                return null!;
            },
        };
        var primary = f.Provider("primary", primaryClient, o => o.Resilience.AttemptTimeout = TimeSpan.FromSeconds(3));
        var hedge = f.Provider("hedge", f.Script(Script.Answer("hedge").Delayed(TimeSpan.FromSeconds(5))));
        var client = f.Client([primary, hedge], Hedging());

        var response = await DriveAsync(f, client.GetResponseAsync(Hello, null, FallbackFixture.Ct));

        Assert.Equal("hedge", response.Text);
        AssertTimedOutWithoutSecret(response.GetLlmCallInfo()!.Attempts[0], "attempt_timeout");
    }

    [Fact]
    public async Task GetStreamingResponseAsync_PrimaryHitsItsFirstTokenDeadlineWhileTheHedgeRuns_TheTimeoutKeepsNoSecret()
    {
        var f = new FallbackFixture();
        var primary = f.Provider(
            "primary",
            TestChatClient.Streaming([], ct => HangThenEchoAsync(f, ct)),
            o => o.Resilience.FirstTokenTimeout = TimeSpan.FromSeconds(3));
        var hedge = f.Provider("hedge", f.Script(Script.Stream("hedge").WithFirstTokenDelay(TimeSpan.FromSeconds(5))));
        var client = f.Client([primary, hedge], Hedging());

        var result = await DriveAsync(f, new StreamResult().ReadAsync(client.GetStreamingResponseAsync(Hello, null, FallbackFixture.Ct)));

        Assert.Null(result.Error);
        Assert.Equal("hedge", result.Text);
        AssertTimedOutWithoutSecret(result.Updates[^1].GetLlmCallInfo()!.Attempts[0], "first_token_timeout");
    }

    [Fact]
    public async Task GetResponseAsync_ClassifierThrowsDuringTheRace_ThePrimaryTimerGoesBackToThePoolOnceAndIsNotDisposedThere()
    {
        var time = new TrackingTimeProvider();
        var answer = new TaskCompletionSource<ChatResponse>();
        var primary = new LlmProvider("primary", new TestChatClient { OnGetResponse = (_, _, _) => answer.Task }, null, [new ThrowingClassifier()], time);
        var hedgeClient = new TestChatClient
        {
            OnGetResponse = async (_, _, ct) =>
            {
                await Task.Delay(Timeout.InfiniteTimeSpan, time, ct);
                return new ChatResponse();
            },
        };
        var hedge = new LlmProvider("hedge", hedgeClient, null, null, time);
        using var client = new FallbackChatClient([primary, hedge], Hedging(), timeProvider: time);

        var task = client.GetResponseAsync(Hello, null, FallbackFixture.Ct);
        var primaryTimer = Assert.Single(time.AttemptTimers);
        await Poll.SettleAsync();
        time.Advance(TimeSpan.FromSeconds(2));
        await Poll.UntilAsync(() => hedgeClient.CallCount == 1, "the hedge is sent");
        answer.SetException(new InvalidOperationException("boom"));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => Poll.CompletesAsync(task));
        Assert.Equal("classifier bug", error.Message);
        Assert.Equal((0, 0), (primary.InFlight, hedge.InFlight));

        // The primary's timer was released cleanly (no deadline, no cancellation), so it went back to the pool: a second
        // release disposes the timer of a pooled AttemptTimer, whose next user's deadline then never fires.
        Assert.False(time.IsDisposed(primaryTimer));
    }

    [Fact]
    public async Task GetStreamingResponseAsync_ClassifierThrowsOnTheHedgesFailure_TheHedgeStreamIsDisposedAndItsTimerReleased()
    {
        var time = new TrackingTimeProvider();
        var primaryStream = new ControlledStream();
        var hedgeStream = new ControlledStream();
        var primary = new LlmProvider("primary", new TestChatClient { OnGetStreamingResponse = (_, _, _) => primaryStream }, null, null, time);
        CancellationToken hedgeToken = default;
        var hedgeClient = new TestChatClient
        {
            OnGetStreamingResponse = (_, _, ct) =>
            {
                hedgeToken = ct;
                return hedgeStream;
            },
        };
        var hedge = new LlmProvider("hedge", hedgeClient, null, [new ThrowingClassifier()], time);
        using var client = new FallbackChatClient([primary, hedge], Hedging(), timeProvider: time);
        using var caller = CancellationTokenSource.CreateLinkedTokenSource(FallbackFixture.Ct);

        var stream = new StreamResult().ReadAsync(client.GetStreamingResponseAsync(Hello, null, caller.Token));
        await Poll.UntilAsync(() => primaryStream.Reading, "the primary is read");
        time.Advance(TimeSpan.FromSeconds(2));
        await Poll.UntilAsync(() => hedgeStream.Reading, "the hedge is read");
        hedgeStream.Fail(new InvalidOperationException("boom"));

        var result = await Poll.CompletesAsync(stream);
        Assert.Equal("classifier bug", Assert.IsType<InvalidOperationException>(result.Error).Message);
        await Poll.UntilAsync(() => primaryStream.Disposals > 0, "the primary stream is disposed");
        Assert.Equal((0, 0), (primary.InFlight, hedge.InFlight));
        Assert.Equal(1, hedgeStream.Disposals);
        Assert.Equal(1, primaryStream.Disposals);

        // Released: the hedge's timer no longer follows the caller's token.
        await caller.CancelAsync();
        Assert.False(hedgeToken.IsCancellationRequested);
    }

    /// <summary>A call that hangs until its deadline, then fails the way an SDK reports an aborted request: with what it sent.</summary>
    private static async Task HangThenEchoAsync(FallbackFixture f, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, f.Time, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            throw new InvalidOperationException(Echoed);
        }
    }

    private static void AssertTimedOutWithoutSecret(LlmAttempt attempt, string errorCode)
    {
        Assert.Equal(("primary", LlmFailureKind.Timeout, errorCode), (attempt.Provider, attempt.Kind!.Value, attempt.Failure!.ErrorCode));
        Assert.NotNull(attempt.Failure.Exception);
        Assert.DoesNotContain(FallbackFixture.FakeKey, attempt.Failure.Exception!.ToString(), StringComparison.Ordinal);
    }

    /// <summary>An application classifier with a bug: it throws for the exception it was written for.</summary>
    private sealed class ThrowingClassifier : ILlmFailureClassifier
    {
        public LlmFailure? Classify(Exception exception) =>
            exception.Message == "boom" ? throw new InvalidOperationException("classifier bug") : null;
    }

    /// <summary>A stream whose single read the test completes, and which counts its disposals.</summary>
    private sealed class ControlledStream : IAsyncEnumerable<ChatResponseUpdate>, IAsyncEnumerator<ChatResponseUpdate>
    {
        private readonly TaskCompletionSource<bool> _read = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _disposals;
        private volatile bool _reading;

        public ChatResponseUpdate Current => throw new InvalidOperationException("No update was read.");

        public bool Reading => _reading;

        public int Disposals => Volatile.Read(ref _disposals);

        public void Fail(Exception error) => _read.TrySetException(error);

        public IAsyncEnumerator<ChatResponseUpdate> GetAsyncEnumerator(CancellationToken cancellationToken = default)
        {
            cancellationToken.Register(() => _read.TrySetCanceled(cancellationToken));
            return this;
        }

        public ValueTask<bool> MoveNextAsync()
        {
            _reading = true;
            return new(_read.Task);
        }

        public ValueTask DisposeAsync()
        {
            Interlocked.Increment(ref _disposals);
            return default;
        }
    }

    /// <summary>A fake clock that remembers the attempt timers created on it and which timers were disposed.</summary>
    private sealed class TrackingTimeProvider : FakeTimeProvider
    {
        private readonly List<object> _attemptTimers = [];
        private readonly HashSet<object> _disposed = [];

        public IReadOnlyList<object> AttemptTimers
        {
            get
            {
                lock (_attemptTimers)
                {
                    return [.. _attemptTimers];
                }
            }
        }

        public bool IsDisposed(object state)
        {
            lock (_attemptTimers)
            {
                return _disposed.Contains(state);
            }
        }

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            var inner = base.CreateTimer(callback, state, dueTime, period);
            if (state is not AttemptTimer attemptTimer)
            {
                return inner;
            }

            lock (_attemptTimers)
            {
                _attemptTimers.Add(attemptTimer);
            }

            return new Tracked(this, inner, attemptTimer);
        }

        private sealed class Tracked(TrackingTimeProvider owner, ITimer inner, object state) : ITimer
        {
            public bool Change(TimeSpan dueTime, TimeSpan period) => inner.Change(dueTime, period);

            public void Dispose()
            {
                lock (owner._attemptTimers)
                {
                    owner._disposed.Add(state);
                }

                inner.Dispose();
            }

            public ValueTask DisposeAsync()
            {
                Dispose();
                return default;
            }
        }
    }
}
