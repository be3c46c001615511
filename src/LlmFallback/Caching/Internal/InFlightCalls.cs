using System.Collections.Concurrent;

namespace LlmFallback;

/// <summary>
/// Stampede protection: of concurrent identical requests that missed the cache, the first (the leader) calls the model
/// and the others wait for its stored answer. A waiter whose leader produced nothing shareable (a failure, an answer
/// that must not be cached) makes its own call, so one caller's outcome is never another's error. A leader whose own
/// caller gave up (cancelled, or stopped reading its stream) learned nothing about the answer: its waiters contend
/// for the lead again, so one of them calls and the rest keep waiting.
/// </summary>
internal sealed class InFlightCalls
{
    private readonly ConcurrentDictionary<string, Flight> _flights = new(StringComparer.Ordinal);
    private int _waiting;

    /// <summary>Gets how many requests are waiting for a leader (tests wait for them to be parked).</summary>
    internal int Waiting => Volatile.Read(ref _waiting);

    /// <summary>Joins the flight for <paramref name="key"/>; <see langword="true"/> when the caller leads it.</summary>
    public bool TryLead(string key, out Flight flight)
    {
        var mine = new Flight(this, key);
        flight = _flights.GetOrAdd(key, mine);
        return ReferenceEquals(flight, mine);
    }

    /// <summary>A call other identical requests wait on.</summary>
    public sealed class Flight(InFlightCalls owner, string key)
    {
        private readonly TaskCompletionSource<Outcome> _result = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Waits for how the leader's call ended.</summary>
        public async Task<Outcome> WaitAsync(CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref owner._waiting);
            try
            {
                return await _result.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                Interlocked.Decrement(ref owner._waiting);
            }
        }

        /// <summary>Ends the flight with the leader's stored entry, or <see langword="null"/> when there is nothing to share.</summary>
        public void Complete(CachedChatEntry? entry) => End(new Outcome(entry, LeaderGaveUp: false));

        /// <summary>Ends the flight of a leader whose caller gave up before an answer: the waiters contend for the lead again.</summary>
        public void GiveUp() => End(new Outcome(null, LeaderGaveUp: true));

        private void End(Outcome outcome)
        {
            owner._flights.TryRemove(new KeyValuePair<string, Flight>(key, this));
            _result.TrySetResult(outcome);
        }
    }

    /// <summary>How a flight ended: the entry to share, or none; and whether the leader's caller gave up before an answer.</summary>
    public readonly record struct Outcome(CachedChatEntry? Entry, bool LeaderGaveUp);
}
