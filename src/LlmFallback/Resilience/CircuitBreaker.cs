namespace LlmFallback;

/// <summary>
/// One provider's circuit breaker. Its window counts calls by the moment they started (<see cref="CohortWindow"/>) and
/// judges the failures of those calls against all of them, so calls still in flight count as not failed: in a burst,
/// fast failures are weighed against the slow successes still streaming instead of against nothing. A failure is judged
/// in the window that ends when its call started, among calls that have had at least as long to end: when traffic
/// drains or pauses, the late failures of calls that stalled until they timed out are weighed against the calls that
/// started with them, not against an empty window. It opens only when the failure ratio is, with 99.9% confidence, at
/// least the configured ratio (the Wilson score lower bound), so a provider that answers 70% of calls is never opened by
/// chance, while a provider that fails every call is opened once <see cref="LlmCircuitBreakerOptions.MinimumThroughput"/>
/// calls have been judged.
/// </summary>
/// <remarks>
/// <para>
/// The closed-state paths are lock-free (a window increment on start and on failure; nothing on success unless a
/// failure streak is running). Every decision that changes state is taken under the lock, on the state as it is then.
/// One half-open probe at a time; each probe permit has its own id (0 means "not a probe"), so a lost probe that
/// reports late can neither release nor decide for its replacement, and a probe lost for longer than a break is
/// replaced, so the breaker can never stay half-open forever.
/// </para>
/// <para>
/// The consecutive-failure rule counts a failure only when its call started after the streak's previous failure was
/// seen: sequential evidence. Failures of calls that were all started together (a burst) count once. "After" is read
/// from a failure sequence number the permit takes when the call starts (<see cref="Sequence"/>), not from a clock, so
/// it holds for calls started within one clock tick and costs nothing on the success path.
/// </para>
/// </remarks>
internal sealed partial class CircuitBreaker
{
    /// <summary>The one-sided 99.9% normal quantile used by the ratio rule.</summary>
    internal const double Confidence = 3.09;

    private const int Buckets = 10;
    private readonly LlmClock _clock;
    private readonly bool _enabled;
    private readonly double _ratio;
    private readonly int _minimumThroughput;
    private readonly int _consecutiveLimit;
    private readonly long _breakTicks;
    private readonly CohortWindow _window;
    private readonly Lock _gate = new();
    private int _state;
    private long _openUntil;
    private int _consecutive;
    private long _failureSequence;
    private long _streakMark;
    private long _probe;
    private long _probeSequence;
    private long _probeStarted;
    private int _lastFailure;
    private int _isolated;

    public CircuitBreaker(LlmCircuitBreakerOptions options, TimeProvider timeProvider)
    {
        _clock = LlmClock.For(timeProvider);
        _enabled = options.Enabled;
        _ratio = options.FailureRatio;
        _minimumThroughput = options.MinimumThroughput;
        _consecutiveLimit = options.ConsecutiveFailures;
        _breakTicks = _clock.ToTimestamps(options.BreakDuration);
        _window = new CohortWindow(options.SamplingDuration, Buckets, _clock.Frequency);
    }

    /// <summary>Raised after a transition, outside the lock: (from, to, failure kind that caused it).</summary>
    public event Action<LlmCircuitState, LlmCircuitState, LlmFailureKind?>? Transitioned;

    public LlmCircuitState State => (LlmCircuitState)Volatile.Read(ref _state);

    public int ConsecutiveFailures => Volatile.Read(ref _consecutive);

    public LlmFailureKind? LastFailureKind => Volatile.Read(ref _lastFailure) is var k and > 0 ? (LlmFailureKind)k : null;

    /// <summary>Gets a value indicating whether the breaker is open because the provider rejected its credentials or model.</summary>
    public bool IsIsolated => Volatile.Read(ref _isolated) != 0;

    /// <summary>Gets the timestamp at which an open breaker lets a probe through (meaningful only when open).</summary>
    public long OpenUntil => Volatile.Read(ref _openUntil);

    /// <summary>
    /// Gets the timestamp from which a half-open breaker's probe that has not reported is replaced (see
    /// <see cref="TryAcquire"/>), or 0 when no probe is out.
    /// </summary>
    public long ProbeReplacedAt
    {
        get
        {
            lock (_gate)
            {
                return _state == (int)LlmCircuitState.HalfOpen && _probe != 0 ? _probeStarted + _breakTicks + 1 : 0;
            }
        }
    }

    /// <summary>Gets the number of failures seen so far; a permit reads it when its call starts.</summary>
    public long Sequence => Volatile.Read(ref _failureSequence);

    /// <summary>
    /// Gets the calls started in the current window (a call still in flight counts as not failed) and how many of them
    /// failed.
    /// </summary>
    public (int Started, int Failed) GetWindow(long now) => _window.Sum(now);

    /// <summary>Asks for a call permit; a half-open breaker hands out its single probe (a non-zero <paramref name="probe"/>).</summary>
    public bool TryAcquire(long now, out long probe)
    {
        probe = 0;
        if (!_enabled)
        {
            return true;
        }

        if (Volatile.Read(ref _state) == (int)LlmCircuitState.Closed)
        {
            _window.Start(now);
            return true;
        }

        LlmCircuitState previous;
        lock (_gate)
        {
            previous = (LlmCircuitState)_state;
            switch (previous)
            {
                case LlmCircuitState.Closed:
                    _window.Start(now);
                    return true;
                case LlmCircuitState.Open when now < _openUntil:
                    return false;
                case LlmCircuitState.Open:
                    _state = (int)LlmCircuitState.HalfOpen;
                    probe = _probe = ++_probeSequence;
                    _probeStarted = now;
                    break;
                default:
                    if (_probe == 0 || now - _probeStarted > _breakTicks)
                    {
                        probe = _probe = ++_probeSequence;
                        _probeStarted = now;
                        return true;
                    }

                    return false;
            }
        }

        Transitioned?.Invoke(previous, LlmCircuitState.HalfOpen, null);
        return true;
    }

    /// <summary>
    /// A call answered. A probe (or a panic call, see <see cref="OnPanicSuccess"/>) closes the breaker; any other success
    /// breaks a failure streak (the window already counts the call as started and not failed).
    /// </summary>
    public void OnSuccess(long probe)
    {
        if (!_enabled)
        {
            return;
        }

        // A probe closes a half-open breaker; a lost probe that reports late is an ordinary success, which breaks a
        // failure streak.
        if ((probe == 0 || !TransitionIf(LlmCircuitState.Closed, probe, LlmCircuitState.HalfOpen, 0, 0, null))
            && Volatile.Read(ref _state) == (int)LlmCircuitState.Closed)
        {
            if (Volatile.Read(ref _consecutive) != 0)
            {
                Volatile.Write(ref _consecutive, 0);
            }
        }
    }

    /// <summary>A call failed in a way that speaks about the provider's health.</summary>
    /// <param name="now">When the failure was seen.</param>
    /// <param name="probe">The call's probe id, or 0.</param>
    /// <param name="kind">The failure class.</param>
    /// <param name="startSequence">The <see cref="Sequence"/> read when the call started, for the sequential streak rule.</param>
    /// <param name="started">When the call started: its cohort in the window, and the end of the window it is judged in.</param>
    public void OnFailure(long now, long probe, LlmFailureKind kind, long startSequence, long started)
    {
        if (!_enabled)
        {
            return;
        }

        Volatile.Write(ref _lastFailure, (int)kind);
        // A probe reopens a half-open breaker. A probe that reports after the breaker moved on (it was lost, and its
        // replacement already closed or reopened the breaker) is an ordinary late outcome.
        if (probe != 0 && TransitionIf(LlmCircuitState.Open, probe, LlmCircuitState.HalfOpen, now, _breakTicks, kind))
        {
            return;
        }

        if (Volatile.Read(ref _state) != (int)LlmCircuitState.Closed)
        {
            return;
        }

        var judged = _window.Fail(started);
        if (_consecutiveLimit > 0 && CountsInStreak(startSequence) >= _consecutiveLimit)
        {
            TransitionIf(LlmCircuitState.Open, 0, LlmCircuitState.Closed, now, _breakTicks, kind);
            return;
        }

        var (n, k) = judged ? _window.Sum(Math.Min(started, now)) : default;
        if (n >= _minimumThroughput && WilsonLowerBound(k, n) >= _ratio)
        {
            TransitionIf(LlmCircuitState.Open, 0, LlmCircuitState.Closed, now, _breakTicks, kind);
        }
    }

    /// <summary>
    /// An outcome that says nothing about the provider's health (a bad request, a cancellation): a probe gives its
    /// permit back; a closed-state call's start is taken out of the window, so it is neither judged nor in flight.
    /// </summary>
    public void OnNeutral(long probe, long started)
    {
        if (!_enabled)
        {
            return;
        }

        if (probe != 0)
        {
            Interlocked.CompareExchange(ref _probe, 0, probe);
        }
        else if (Volatile.Read(ref _state) == (int)LlmCircuitState.Closed)
        {
            _window.Unstart(started);
        }
    }

    /// <summary>Opens the breaker for at least <paramref name="duration"/> (credentials rejected, model missing).</summary>
    public void Isolate(long now, TimeSpan duration, LlmFailureKind kind)
    {
        if (!_enabled)
        {
            return;
        }

        Volatile.Write(ref _lastFailure, (int)kind);
        TransitionIf(LlmCircuitState.Open, 0, null, now, Math.Max(_breakTicks, _clock.ToTimestamps(duration)), kind);
    }

    /// <summary>Opens the breaker for at least <paramref name="openTicks"/> (another instance opened it); an open breaker only extends.</summary>
    public void OpenFor(long now, long openTicks, LlmFailureKind? cause)
    {
        if (_enabled)
        {
            TransitionIf(LlmCircuitState.Open, 0, null, now, openTicks, cause);
        }
    }

    /// <summary>
    /// A panic call (sent while every breaker of the plan was open) answered: the provider is back, so an open or
    /// half-open breaker closes as a successful probe would close it.
    /// </summary>
    public void OnPanicSuccess()
    {
        if (_enabled && Volatile.Read(ref _state) != (int)LlmCircuitState.Closed)
        {
            TransitionIf(LlmCircuitState.Closed, 0, null, 0, 0, null);
        }
    }

    /// <summary>The Wilson score lower bound of a failure ratio of <paramref name="failed"/> in <paramref name="started"/>.</summary>
    internal static double WilsonLowerBound(int failed, int started)
    {
        if (started <= 0)
        {
            return 0;
        }

        const double z2 = Confidence * Confidence;
        double n = started;
        var p = Math.Min(failed, started) / n;
        var centre = p + (z2 / (2 * n));
        var margin = Confidence * Math.Sqrt((p * (1 - p) / n) + (z2 / (4 * n * n)));
        return (centre - margin) / (1 + (z2 / n));
    }
}
