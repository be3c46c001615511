namespace LlmFallback;

/// <summary>
/// One provider's circuit breaker. The closed-state success path is lock-free (a window increment); transitions
/// take a lock. One half-open probe at a time; a probe that ends without a health verdict (a bad request, a
/// cancellation) releases its permit, and a probe lost for longer than a break is replaced, so the breaker can
/// never stay half-open forever. Each probe permit has its own id (0 means "not a probe"), so a lost probe that
/// reports late is an ordinary outcome: it can neither release nor decide for its replacement.
/// </summary>
internal sealed class CircuitBreaker
{
    private const int Buckets = 10;
    private readonly LlmClock _clock;
    private readonly bool _enabled;
    private readonly double _ratio;
    private readonly int _minimumThroughput;
    private readonly int _consecutiveLimit;
    private readonly long _breakTicks;
    private readonly SlidingWindowCounter _window;
    private readonly Lock _gate = new();
    private int _state;
    private long _openUntil;
    private int _consecutive;
    private long _probe;
    private long _probeSequence;
    private long _probeStarted;
    private int _lastFailure;

    public CircuitBreaker(LlmCircuitBreakerOptions options, TimeProvider timeProvider)
    {
        _clock = LlmClock.For(timeProvider);
        _enabled = options.Enabled;
        _ratio = options.FailureRatio;
        _minimumThroughput = options.MinimumThroughput;
        _consecutiveLimit = options.ConsecutiveFailures;
        _breakTicks = ToTimestampTicks(options.BreakDuration);
        _window = new SlidingWindowCounter(options.SamplingDuration, Buckets, _clock.Frequency);
    }

    /// <summary>Raised after a transition, outside the lock: (from, to, failure kind that caused it).</summary>
    public event Action<LlmCircuitState, LlmCircuitState, LlmFailureKind?>? Transitioned;

    public LlmCircuitState State => (LlmCircuitState)Volatile.Read(ref _state);

    public int ConsecutiveFailures => Volatile.Read(ref _consecutive);

    public LlmFailureKind? LastFailureKind => Volatile.Read(ref _lastFailure) is var k and > 0 ? (LlmFailureKind)k : null;

    /// <summary>Gets the timestamp at which an open breaker lets a probe through (meaningful only when open).</summary>
    public long OpenUntil => Volatile.Read(ref _openUntil);

    public bool TryAcquire(long now, out long probe)
    {
        probe = 0;
        if (!_enabled || Volatile.Read(ref _state) == (int)LlmCircuitState.Closed)
        {
            return true;
        }

        LlmCircuitState previous;
        lock (_gate)
        {
            previous = (LlmCircuitState)_state;
            switch (previous)
            {
                case LlmCircuitState.Closed:
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

    public void OnSuccess(long now, long probe)
    {
        if (!_enabled)
        {
            return;
        }

        var isProbe = IsCurrentProbe(probe);
        var state = Volatile.Read(ref _state);
        if (!isProbe && state == (int)LlmCircuitState.Closed)
        {
            _window.Add(now, 1, 0);
            if (Volatile.Read(ref _consecutive) != 0)
            {
                Volatile.Write(ref _consecutive, 0);
            }

            return;
        }

        if (!isProbe && state == (int)LlmCircuitState.Open)
        {
            return;
        }

        Transition(LlmCircuitState.Closed, now, 0, null);
    }

    public void OnFailure(long now, long probe, LlmFailureKind kind)
    {
        if (!_enabled)
        {
            return;
        }

        Volatile.Write(ref _lastFailure, (int)kind);

        // A probe reopens a half-open breaker. A probe that reports after the breaker moved on (it was lost, and its
        // replacement already closed or reopened the breaker) is an ordinary late outcome, not a health verdict.
        if (IsCurrentProbe(probe) && Transition(LlmCircuitState.Open, now, _breakTicks, kind, onlyFrom: LlmCircuitState.HalfOpen))
        {
            return;
        }

        if (Volatile.Read(ref _state) != (int)LlmCircuitState.Closed)
        {
            return;
        }

        _window.Add(now, 0, 1);
        var consecutive = Interlocked.Increment(ref _consecutive);
        if (_consecutiveLimit > 0 && consecutive >= _consecutiveLimit)
        {
            Transition(LlmCircuitState.Open, now, _breakTicks, kind);
            return;
        }

        var (successes, failures) = _window.Sum(now);
        var total = successes + failures;
        if (total >= _minimumThroughput && failures >= _ratio * total)
        {
            Transition(LlmCircuitState.Open, now, _breakTicks, kind);
        }
    }

    /// <summary>An outcome that says nothing about the provider's health; a probe gives its permit back.</summary>
    public void OnNeutral(long probe)
    {
        if (probe != 0)
        {
            Interlocked.CompareExchange(ref _probe, 0, probe);
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
        Transition(LlmCircuitState.Open, now, Math.Max(_breakTicks, ToTimestampTicks(duration)), kind);
    }

    private bool Transition(LlmCircuitState to, long now, long openTicks, LlmFailureKind? cause, LlmCircuitState? onlyFrom = null)
    {
        LlmCircuitState from;
        lock (_gate)
        {
            from = (LlmCircuitState)_state;
            if (onlyFrom is { } required && from != required)
            {
                return false;
            }

            if (to == LlmCircuitState.Open)
            {
                // A closed breaker opens; a half-open one reopens; an open one only extends.
                _openUntil = Math.Max(from == LlmCircuitState.Open ? _openUntil : 0, now + openTicks);
            }
            else
            {
                _window.Reset();
                _consecutive = 0;
            }

            _probe = 0;
            _state = (int)to;
        }

        if (from != to)
        {
            Transitioned?.Invoke(from, to, cause);
        }

        return true;
    }

    private bool IsCurrentProbe(long probe) => probe != 0 && Volatile.Read(ref _probe) == probe;

    private long ToTimestampTicks(TimeSpan value) => _clock.ToTimestamps(value);
}
