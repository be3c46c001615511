namespace LlmFallback;

internal sealed partial class CircuitBreaker
{
    /// <summary>
    /// Moves to <paramref name="to"/> under the lock, only if the breaker is in <paramref name="from"/> (any state when
    /// null) and, for a probe's verdict, <paramref name="probe"/> is still the current probe.
    /// </summary>
    private bool TransitionIf(LlmCircuitState to, long probe, LlmCircuitState? from, long now, long openTicks, LlmFailureKind? cause)
    {
        LlmCircuitState previous;
        lock (_gate)
        {
            previous = (LlmCircuitState)_state;
            if ((from is { } required && previous != required) || (probe != 0 && _probe != probe))
            {
                return false;
            }

            if (to == LlmCircuitState.Open)
            {
                // A closed breaker opens; a half-open one reopens; an open one only extends.
                _openUntil = Math.Max(previous == LlmCircuitState.Open ? _openUntil : 0, now + openTicks);
            }
            else
            {
                _window.Reset();
                _consecutive = 0;
                _streakMark = _failureSequence;
            }

            _probe = 0;
            _state = (int)to;
            _isolated = to == LlmCircuitState.Open && cause is LlmFailureKind.Authentication or LlmFailureKind.ModelNotFound ? 1 : 0;
        }

        if (previous != to)
        {
            Transitioned?.Invoke(previous, to, cause);
        }

        return true;
    }

    /// <summary>
    /// Extends the failure streak when the failed call started after the streak's last failure was seen (sequential
    /// evidence), and returns the streak's length.
    /// </summary>
    private int CountsInStreak(long startSequence)
    {
        lock (_gate)
        {
            var sequential = _consecutive == 0 || startSequence >= _streakMark;
            Volatile.Write(ref _failureSequence, _failureSequence + 1);
            if (sequential)
            {
                _consecutive++;
                _streakMark = _failureSequence;
            }

            return _consecutive;
        }
    }
}
