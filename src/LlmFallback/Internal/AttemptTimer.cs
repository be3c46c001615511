using System.Diagnostics;

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
/// (first token, then idle gaps, then the completion grace period). Pooled, so the success path allocates nothing.
/// </summary>
/// <remarks>
/// <para>
/// Moving the deadline later costs one field write: the underlying timer keeps its earlier due time and, when it
/// fires, finds the deadline moved and re-arms itself for the rest. Only a deadline earlier than the scheduled one
/// touches the timer. A stream therefore pays a timer operation per idle period, not per update.
/// </para>
/// <para>
/// The timer callback acts only on the deadline current when it runs, so a late callback from a previous use can
/// neither cancel nor delay the next user: a timer goes back to the pool as soon as the caller registration is
/// provably gone.
/// </para>
/// </remarks>
internal sealed class AttemptTimer : IDisposable
{
    private const int Idle = 0;
    private const int Armed = 1;
    private const int TimedOutState = 2;
    private const int CallerCancelled = 3;

    private readonly AttemptTimerPool _pool;
    private readonly LlmClock _clock;
    private readonly ITimer _timer;
    private readonly CancellationTokenSource _cts = new();
    private readonly Lock _gate = new();
    private CancellationTokenRegistration _callerRegistration;
    private Func<bool>? _timedOutGetter;

    // The state (low two bits) and a use counter (the rest) change together, so a callback that read the state
    // during one use can never switch the state of the next use.
    private long _state;
    private int _deadlineKind;
    private bool _suspended;
    private long _deadline = long.MaxValue;
    private long _scheduled = long.MaxValue;

    public AttemptTimer(AttemptTimerPool pool)
    {
        _pool = pool;
        _clock = pool.Clock;
        _timer = pool.TimeProvider.CreateTimer(static s => ((AttemptTimer)s!).OnTimer(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    public CancellationToken Token => _cts.Token;

    /// <summary>Gets a delegate reading <see cref="TimedOut"/>, for the attempt context (created once per timer).</summary>
    public Func<bool> TimedOutGetter => _timedOutGetter ??= () => TimedOut;

    public AttemptTimerPool Pool => _pool;

    public AttemptDeadline Deadline => (AttemptDeadline)Volatile.Read(ref _deadlineKind);

    /// <summary>Gets a value indicating whether the deadline (not the caller) cancelled the attempt.</summary>
    public bool TimedOut => (Volatile.Read(ref _state) & 3) == TimedOutState;

    /// <summary>Links the caller's token; the deadline does not run until <see cref="Move"/> starts it.</summary>
    public void Arm(AttemptDeadline deadline, CancellationToken callerToken)
    {
        _suspended = false;
        _deadlineKind = (int)deadline;
        Volatile.Write(ref _deadline, long.MaxValue);
        Volatile.Write(ref _state, ((Volatile.Read(ref _state) >> 2) + 1) << 2 | Armed);
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

    /// <summary>Sets the deadline to <paramref name="due"/> from now and resumes it (each streamed update moves the idle deadline).</summary>
    public void Move(TimeSpan due, AttemptDeadline deadline)
    {
        Volatile.Write(ref _deadlineKind, (int)deadline);
        if (due == Timeout.InfiniteTimeSpan)
        {
            Volatile.Write(ref _deadline, long.MaxValue);
            Volatile.Write(ref _suspended, false);
            return;
        }

        var at = _clock.Now + _clock.ToTimestamps(due);
        Volatile.Write(ref _deadline, at);
        Volatile.Write(ref _suspended, false);
        if (at >= Volatile.Read(ref _scheduled))
        {
            return;
        }

        lock (_gate)
        {
            if (at < _scheduled)
            {
                _scheduled = at;
                _timer.Change(due, Timeout.InfiniteTimeSpan);
            }
        }
    }

    /// <summary>Stops the timer and returns it to the pool when the caller registration is provably gone; otherwise drops it.</summary>
    public void Release()
    {
        Volatile.Write(ref _deadline, long.MaxValue);
        if (Volatile.Read(ref _scheduled) != long.MaxValue)
        {
            lock (_gate)
            {
                _timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
                _scheduled = long.MaxValue;
            }
        }

        var callerQuiet = _callerRegistration == default || _callerRegistration.Unregister();
        _callerRegistration = default;
        var wasArmed = TrySwitch(Volatile.Read(ref _state), Idle);
        Recycle(callerQuiet && wasArmed);
    }

    /// <summary>
    /// <see cref="Release"/> for a timer whose deadline was never started and that nobody else was given to cancel (a
    /// call that completed at once): without a caller registration no other thread can switch its state, so going back
    /// to idle takes no interlocked operation.
    /// </summary>
    public void ReleaseUnstarted()
    {
        Debug.Assert(Volatile.Read(ref _deadline) == long.MaxValue && Volatile.Read(ref _scheduled) == long.MaxValue, "The deadline of this use was started.");
        if (_callerRegistration != default)
        {
            Release();
            return;
        }

        Volatile.Write(ref _state, Volatile.Read(ref _state) & ~3L);
        Recycle(reusable: true);
    }

    /// <summary>Returns the timer to the pool when it is reusable and its token source resets; otherwise drops it.</summary>
    private void Recycle(bool reusable)
    {
        if (reusable && _cts.TryReset())
        {
            _pool.Return(this);
            return;
        }

        // Not reusable: the token is (or may be about to be) cancelled. Drop it: the timer is disposed so it never
        // fires again; the token source is left to the collector, because a caller callback that won the state
        // switch may still be about to cancel it (it owns no timer or registration that would need disposing).
        _timer.Dispose();
    }

    public void Dispose()
    {
        _timer.Dispose();
        _cts.Dispose();
    }

    internal void OnTimer()
    {
        long use;
        lock (_gate)
        {
            _scheduled = long.MaxValue;

            // Move does not lock when the timer is already due no later than its deadline: it writes the deadline,
            // then reads _scheduled. On x64 that read may complete before the write is visible here, so without this
            // barrier both sides could see the other's old value: Move skips the timer because it is scheduled, and
            // this callback enforces (or, suspended, gives up on) the previous deadline. The process-wide barrier
            // drains every thread's pending writes, so a Move that did not see the write above is seen below. It costs
            // microseconds (0.4 µs on a 2-core machine), once per timer firing (a deadline reached, or a long stream's
            // moved deadline re-armed), and keeps a fence off Move, which runs for every streamed update.
            Interlocked.MemoryBarrierProcessWide();
            use = Volatile.Read(ref _state);
            var deadline = Volatile.Read(ref _deadline);
            if ((use & 3) != Armed || deadline == long.MaxValue || Volatile.Read(ref _suspended))
            {
                // Nothing to enforce now; a later Move re-arms the timer.
                return;
            }

            var now = _clock.Now;
            if (now < deadline)
            {
                // The deadline moved since the timer was set: wait for the rest.
                _scheduled = deadline;
                _timer.Change(_clock.Elapsed(now, deadline), Timeout.InfiniteTimeSpan);
                return;
            }
        }

        if (TrySwitch(use, TimedOutState))
        {
            _cts.Cancel();
        }
    }

    /// <summary>Cancels the attempt as its caller would (a hedged call that lost its race); the timer is then not reused.</summary>
    public void Cancel() => OnCallerCancelled();

    private void OnCallerCancelled()
    {
        if (TrySwitch(Volatile.Read(ref _state), CallerCancelled))
        {
            _cts.Cancel();
        }
    }

    /// <summary>Moves an armed use to <paramref name="to"/>, only if it is still the use <paramref name="seen"/> describes.</summary>
    private bool TrySwitch(long seen, int to) =>
        (seen & 3) == Armed && Interlocked.CompareExchange(ref _state, (seen & ~3L) | (uint)to, seen) == seen;
}

/// <summary>A small lock-free pool of <see cref="AttemptTimer"/>s, one per fallback stage.</summary>
internal sealed class AttemptTimerPool
{
    // One timer per thread is kept outside the shared array: the common rent/return pair then costs no interlocked
    // operation. It is tagged with its pool, so a thread that serves several fallback stages never mixes them up.
    [ThreadStatic]
    private static AttemptTimer? t_cached;

    private readonly AttemptTimer?[] _items;

    public AttemptTimerPool(TimeProvider timeProvider)
    {
        TimeProvider = timeProvider;
        Clock = LlmClock.For(timeProvider);
        _items = new AttemptTimer?[Math.Max(8, Environment.ProcessorCount * 4)];
    }

    public TimeProvider TimeProvider { get; }

    public LlmClock Clock { get; }

    public AttemptTimer Rent(TimeSpan due, AttemptDeadline deadline, CancellationToken callerToken)
    {
        var timer = RentUnstarted(deadline, callerToken);
        timer.Move(due, deadline);
        return timer;
    }

    /// <summary>Rents a timer linked to the caller's token whose deadline is not started yet (see <see cref="AttemptTimer.Move"/>).</summary>
    public AttemptTimer RentUnstarted(AttemptDeadline deadline, CancellationToken callerToken)
    {
        var timer = t_cached;
        if (timer is not null && timer.Pool == this)
        {
            t_cached = null;
            timer.Arm(deadline, callerToken);
            return timer;
        }

        timer = null;
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
        if (t_cached is null)
        {
            t_cached = timer;
            return;
        }

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
