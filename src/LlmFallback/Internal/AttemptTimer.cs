namespace LlmFallback;

/// <summary>Which deadline an attempt timer was last armed for.</summary>
internal enum AttemptDeadline
{
    Attempt = 0,
    FirstToken = 1,
    Idle = 2,
    Completion = 3,
}

/// <summary>
/// A reusable per-attempt cancellation source: cancelled by the caller's token or by a deadline that can be moved
/// (first token, then idle gaps). Pooled, so the success path allocates nothing. A timer goes back to the pool only
/// when neither callback can still run: the caller registration was removed before it fired, and the deadline was
/// still comfortably ahead when the timer was stopped (a timer never fires before its due time).
/// </summary>
internal sealed class AttemptTimer : IDisposable
{
    private const int Idle = 0;
    private const int Armed = 1;
    private const int TimedOutState = 2;
    private const int CallerCancelled = 3;

    private readonly AttemptTimerPool _pool;
    private readonly ITimer _timer;
    private readonly CancellationTokenSource _cts = new();
    private CancellationTokenRegistration _callerRegistration;
    private int _state;
    private bool _suspended;
    private bool _started;
    private long _due;
    private readonly long _marginTicks;

    public AttemptTimer(AttemptTimerPool pool)
    {
        _pool = pool;
        _timer = pool.TimeProvider.CreateTimer(static s => ((AttemptTimer)s!).OnDeadline(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _marginTicks = pool.TimeProvider.TimestampFrequency / 20;
    }

    public CancellationToken Token => _cts.Token;

    public AttemptDeadline Deadline { get; private set; }

    /// <summary>Gets a value indicating whether the deadline (not the caller) cancelled the attempt.</summary>
    public bool TimedOut => Volatile.Read(ref _state) == TimedOutState;

    /// <summary>Links the caller's token; the deadline does not run until <see cref="Move"/> starts it.</summary>
    public void Arm(AttemptDeadline deadline, CancellationToken callerToken)
    {
        _state = Armed;
        _suspended = false;
        _started = false;
        _due = long.MaxValue;
        Deadline = deadline;
        if (callerToken.CanBeCanceled)
        {
            _callerRegistration = callerToken.UnsafeRegister(static s => ((AttemptTimer)s!).OnCallerCancelled(), this);
        }
    }

    /// <summary>
    /// Stops the deadline from firing while the caller holds a streamed update: time the caller spends is
    /// back-pressure, not provider silence. <see cref="Move"/> resumes it.
    /// </summary>
    public void Suspend() => Volatile.Write(ref _suspended, true);

    /// <summary>Moves the deadline and resumes it (each streamed update re-arms the idle deadline).</summary>
    public void Move(TimeSpan due, AttemptDeadline deadline)
    {
        Deadline = deadline;
        Volatile.Write(ref _suspended, false);
        if (due == Timeout.InfiniteTimeSpan)
        {
            _due = long.MaxValue;
            if (_started)
            {
                _timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            }

            return;
        }

        _started = true;

        var tp = _pool.TimeProvider;
        _due = tp.GetTimestamp() + (long)(due.TotalSeconds * tp.TimestampFrequency);
        _timer.Change(due, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Stops the timer and returns it to the pool when that is provably safe; otherwise drops it.</summary>
    public void Release()
    {
        // A call that completed before its deadline was ever started costs no timer operation at all.
        var timerQuiet = true;
        if (_started)
        {
            _timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);

            // The deadline callback can only be on its way if the deadline has (nearly) passed.
            timerQuiet = _due == long.MaxValue || _pool.TimeProvider.GetTimestamp() < _due - _marginTicks;
        }

        var callerQuiet = _callerRegistration == default || _callerRegistration.Unregister();
        _callerRegistration = default;
        var wasArmed = Interlocked.CompareExchange(ref _state, Idle, Armed) == Armed;
        if (timerQuiet && callerQuiet && wasArmed && _cts.TryReset())
        {
            _pool.Return(this);
            return;
        }

        // Not reusable: the token may already be (or be about to be) cancelled. Drop it: the timer is disposed so it
        // never fires again; the token source is left to the collector, because a callback that won the state switch
        // may still be about to cancel it (it owns no timer or registration that would need disposing).
        _timer.Dispose();
    }

    public void Dispose()
    {
        _timer.Dispose();
        _cts.Dispose();
    }

    private void OnDeadline()
    {
        if (Volatile.Read(ref _suspended))
        {
            return;
        }

        if (Interlocked.CompareExchange(ref _state, TimedOutState, Armed) == Armed)
        {
            _cts.Cancel();
        }
    }

    private void OnCallerCancelled()
    {
        if (Interlocked.CompareExchange(ref _state, CallerCancelled, Armed) == Armed)
        {
            _cts.Cancel();
        }
    }
}

/// <summary>A small lock-free pool of <see cref="AttemptTimer"/>s, one per fallback stage.</summary>
internal sealed class AttemptTimerPool
{
    private readonly AttemptTimer?[] _items;

    public AttemptTimerPool(TimeProvider timeProvider)
    {
        TimeProvider = timeProvider;
        _items = new AttemptTimer?[Math.Max(8, Environment.ProcessorCount * 4)];
    }

    public TimeProvider TimeProvider { get; }

    public AttemptTimer Rent(TimeSpan due, AttemptDeadline deadline, CancellationToken callerToken)
    {
        var timer = RentUnstarted(deadline, callerToken);
        timer.Move(due, deadline);
        return timer;
    }

    /// <summary>Rents a timer linked to the caller's token whose deadline is not started yet (see <see cref="AttemptTimer.Move"/>).</summary>
    public AttemptTimer RentUnstarted(AttemptDeadline deadline, CancellationToken callerToken)
    {
        AttemptTimer? timer = null;
        for (var i = 0; i < _items.Length; i++)
        {
            if (Volatile.Read(ref _items[i]) is not null && (timer = Interlocked.Exchange(ref _items[i], null)) is not null)
            {
                break;
            }
        }

        timer ??= new AttemptTimer(this);
        timer.Arm(deadline, callerToken);
        return timer;
    }

    public void Return(AttemptTimer timer)
    {
        for (var i = 0; i < _items.Length; i++)
        {
            if (Interlocked.CompareExchange(ref _items[i], timer, null) is null)
            {
                return;
            }
        }

        timer.Dispose();
    }
}
