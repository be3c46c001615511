using Xunit;

namespace LlmFallback.TestSupport;

/// <summary>
/// A thread-safe manual clock. FakeTimeProvider is made for one thread moving time: a timer re-armed on another
/// thread while Advance is waking it can move its clock to DateTimeOffset.MaxValue for an instant. Here timers
/// are changed under a lock, time only moves forward, and a timer that was due fires once, as a real one does.
/// </summary>
public sealed class ManualTimeProvider : TimeProvider
{
    private static readonly DateTimeOffset Epoch = new(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly Lock _gate = new();
    private readonly List<ManualTimer> _timers = [];
    private long _now;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override DateTimeOffset GetUtcNow() => Epoch.AddTicks(Volatile.Read(ref _now));

    public override long GetTimestamp() => Volatile.Read(ref _now);

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new ManualTimer(this, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    /// <summary>
    /// Advances time by <paramref name="step"/> whenever the machine has caught up (no queued thread-pool work and, when
    /// <paramref name="activity"/> is given, no progress reported since the last look), until <paramref name="work"/>
    /// ends; fails if that takes longer than <paramref name="realTimeLimit"/> of real time. Waiting for quiet keeps
    /// fake time from racing past real work (bytes on a loopback socket) on a busy machine.
    /// </summary>
    /// <returns>A task that completes when <paramref name="work"/> has ended.</returns>
    public async Task PumpUntilAsync(Task work, TimeSpan step, TimeSpan realTimeLimit, Func<long>? activity = null)
    {
        ArgumentNullException.ThrowIfNull(work);
        var started = System.GetTimestamp();
        var seen = activity?.Invoke() ?? 0;
        while (!work.IsCompleted)
        {
            if (System.GetElapsedTime(started) > realTimeLimit)
            {
                Assert.Fail($"The work did not finish within {realTimeLimit} of real time; fake time reached {GetUtcNow():O}.");
            }

            var now = activity?.Invoke() ?? 0;
            if (ThreadPool.PendingWorkItemCount == 0 && now == seen)
            {
                Advance(step);
            }

            seen = now;
            await Task.Delay(1).ConfigureAwait(false);
        }
    }

    /// <summary>Moves time forward, firing each due timer (on this thread) at its own due time, in order.</summary>
    public void Advance(TimeSpan delta)
    {
        var target = Volatile.Read(ref _now) + delta.Ticks;
        while (true)
        {
            ManualTimer? next = null;
            lock (_gate)
            {
                foreach (var timer in _timers)
                {
                    if (timer.Due <= target && (next is null || timer.Due < next.Due))
                    {
                        next = timer;
                    }
                }

                if (next is null)
                {
                    Volatile.Write(ref _now, target);
                    return;
                }

                Volatile.Write(ref _now, Math.Max(_now, next.Due));
                _timers.Remove(next);
                next.Due = long.MaxValue;
            }

            next.Fire();
        }
    }

    internal void Schedule(ManualTimer timer, TimeSpan dueTime)
    {
        lock (_gate)
        {
            _timers.Remove(timer);
            if (dueTime == Timeout.InfiniteTimeSpan)
            {
                timer.Due = long.MaxValue;
                return;
            }

            timer.Due = _now + Math.Max(0, dueTime.Ticks);
            _timers.Add(timer);
        }
    }
}

internal sealed class ManualTimer(ManualTimeProvider clock, TimerCallback callback, object? state) : ITimer
{
    private volatile bool _disposed;

    /// <summary>Gets or sets the timestamp at which the timer fires; guarded by the clock's lock.</summary>
    public long Due { get; set; } = long.MaxValue;

    public bool Change(TimeSpan dueTime, TimeSpan period)
    {
        if (_disposed)
        {
            return false;
        }

        clock.Schedule(this, dueTime);
        return true;
    }

    public void Fire() => callback(state);

    public void Dispose()
    {
        _disposed = true;
        clock.Schedule(this, Timeout.InfiniteTimeSpan);
    }

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }
}
