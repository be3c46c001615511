namespace LlmFallback;

/// <summary>
/// What every provider behind one upstream (one rate limit) shares: the cool-down a <c>Retry-After</c> sets, and the
/// gradual return afterwards. When a cool-down ends (or a provider's breaker closes), calls are admitted as a slow
/// start: one first, then each call the upstream accepts (an answer, or a stream's first token) frees its slot and
/// adds one more, doubling what may be in flight per round trip until <see cref="RampExitLimit"/>. Waiting requests are
/// therefore released one, two, four... at a time instead of all at once into a fresh 429.
/// </summary>
internal sealed class UpstreamState
{
    /// <summary>How many unanswered ramp calls may be in flight before the ramp ends and admission is unlimited again.</summary>
    internal const int RampExitLimit = 64;

    private readonly Lock _gate = new();
    private long _cooldownUntil;

    // 0: no ramp. Otherwise how many ramp calls may await the upstream's acceptance at once.
    private int _rampLimit;
    private int _rampInFlight;
    private int _rampEpoch;
    private int _rampArmed;

    // A call was refused because the ramp was full since a freed slot was last announced.
    private bool _rampRefused;

    public UpstreamState(string name) => Name = name;

    public string Name { get; }

    /// <summary>Gets the signal pulsed when the upstream may admit calls it refused before.</summary>
    public AvailabilitySignal Signal { get; } = new();

    /// <summary>Gets the timestamp until which the upstream is cooling down, or 0.</summary>
    public long CooldownUntil => Volatile.Read(ref _cooldownUntil);

    /// <summary>Gets a value indicating whether calls are admitted gradually right now.</summary>
    public bool IsRamping => Volatile.Read(ref _rampLimit) != 0;

    public bool IsCoolingDown(long now)
    {
        var until = Volatile.Read(ref _cooldownUntil);
        return until != 0 && now < until;
    }

    /// <summary>Extends the cool-down to <paramref name="until"/> if that is later than the current one; a ramp follows it.</summary>
    public void CoolDownUntil(long until)
    {
        Volatile.Write(ref _rampArmed, 1);
        var current = Volatile.Read(ref _cooldownUntil);
        while (until > current)
        {
            var seen = Interlocked.CompareExchange(ref _cooldownUntil, until, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }

    /// <summary>
    /// Admits a call at <paramref name="now"/>: refused while cooling down or while the ramp is full. A ramp call gets
    /// a non-zero <paramref name="rampEpoch"/> and must be reported to <see cref="ReleaseRamp"/> exactly once.
    /// </summary>
    public bool TryAdmit(long now, out int rampEpoch, out bool rampFull)
    {
        rampEpoch = 0;
        rampFull = false;
        if (now < Volatile.Read(ref _cooldownUntil))
        {
            return false;
        }

        if (Volatile.Read(ref _rampLimit) == 0 && Volatile.Read(ref _rampArmed) == 0)
        {
            return true;
        }

        lock (_gate)
        {
            if (_rampArmed != 0 && now >= _cooldownUntil)
            {
                _rampArmed = 0;
                StartRampLocked();
            }

            if (_rampLimit == 0)
            {
                return true;
            }

            if (_rampInFlight < _rampLimit)
            {
                _rampInFlight++;
                rampEpoch = _rampEpoch;
                return true;
            }

            rampFull = true;
            _rampRefused = true;
            return false;
        }
    }

    /// <summary>Starts a slow start (a provider's breaker closed after an outage).</summary>
    public void StartRamp()
    {
        lock (_gate)
        {
            StartRampLocked();
        }

        Signal.Pulse();
    }

    /// <summary>
    /// Ends a ramp call: <paramref name="accepted"/> when the upstream answered (or began streaming), which widens the
    /// ramp by one; otherwise its slot is only freed. Calls of an earlier ramp are ignored.
    /// </summary>
    /// <remarks>
    /// A slot only freed wakes waiters only when a call was refused for a full ramp meanwhile: a slot taken and given
    /// back at once (the breaker refused the call) must not wake the waiting request that took it, or that request
    /// loops without a pause until the breaker lets it through.
    /// </remarks>
    public void ReleaseRamp(int rampEpoch, bool accepted)
    {
        if (rampEpoch == 0)
        {
            return;
        }

        lock (_gate)
        {
            if (rampEpoch != _rampEpoch || _rampLimit == 0)
            {
                return;
            }

            _rampInFlight--;
            if (accepted && ++_rampLimit > RampExitLimit)
            {
                _rampLimit = 0;
            }

            if (!accepted && !_rampRefused)
            {
                return;
            }

            _rampRefused = false;
        }

        Signal.Pulse();
    }

    private void StartRampLocked()
    {
        _rampEpoch = _rampEpoch == int.MaxValue ? 1 : _rampEpoch + 1;
        _rampLimit = 1;
        _rampInFlight = 0;
    }
}
