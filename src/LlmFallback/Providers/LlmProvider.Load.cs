namespace LlmFallback;

public sealed partial class LlmProvider
{
    private int _inFlight;
    private LatencyTracker? _latency;
    private LatencyTracker? _firstToken;

    /// <summary>Gets the calls in flight (permits held), counted once <see cref="TrackLoad"/> was called.</summary>
    internal int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>Gets the latencies of answered non-streaming calls, once <see cref="TrackLoad"/> was called.</summary>
    internal LatencyTracker? Latency => Volatile.Read(ref _latency);

    /// <summary>Gets the times to first token of streams, once <see cref="TrackLoad"/> was called.</summary>
    internal LatencyTracker? FirstToken => Volatile.Read(ref _firstToken);

    /// <summary>
    /// Starts counting calls in flight and recording latencies: called by whatever reads them (a route whose strategy
    /// needs them, hedging, adaptive first-token timeouts), so a provider nobody balances pays nothing for them.
    /// Calls already in flight are not counted, and never uncounted.
    /// </summary>
    internal void TrackLoad()
    {
        Interlocked.CompareExchange(ref _firstToken, new LatencyTracker(), null);
        Interlocked.CompareExchange(ref _latency, new LatencyTracker(), null);
    }

    /// <summary>
    /// Whether a call at <paramref name="now"/> would likely be admitted, without taking a permit: not cooling down, and
    /// a breaker closed or due for its probe. Routing reads it to order deployments; a slow start in progress counts as
    /// available (its ramp is not visible from here, and a full ramp refuses the permit, which the fallback stage skips).
    /// </summary>
    internal bool IsAvailable(long now)
    {
        if (Upstream.IsCoolingDown(now))
        {
            return false;
        }

        var state = Breaker.State;
        return state == LlmCircuitState.Closed || (state == LlmCircuitState.Open && Breaker.OpenUntil <= now);
    }

    /// <summary>Records how long an answered non-streaming call took.</summary>
    internal void RecordLatency(TimeSpan duration) => _latency?.Record(duration);

    /// <summary>Records how long a stream took to produce its first output (or the first-token limit it hit).</summary>
    internal void RecordFirstToken(TimeSpan duration) => _firstToken?.Record(duration);

    /// <summary>Counts a call whose permit is granted, when load is tracked; the permit remembers whether it was counted.</summary>
    private bool EnterInFlight()
    {
        if (_latency is null)
        {
            return false;
        }

        Interlocked.Increment(ref _inFlight);
        return true;
    }

    private void LeaveInFlight(in ProviderPermit permit)
    {
        if (permit.Counted)
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }
}
