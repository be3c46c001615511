using System.Collections.Concurrent;

namespace LlmFallback;

/// <summary>
/// Stampede protection: of concurrent identical requests that missed the cache, the first (the leader) calls the model
/// and the others wait for its stored answer. A waiter whose leader produced nothing shareable (a failure, the leader's
/// own cancellation, an answer that must not be cached) makes its own call, so one caller's outcome is never
/// another's error.
/// </summary>
internal sealed class InFlightCalls
{
    private readonly ConcurrentDictionary<string, Flight> _flights = new(StringComparer.Ordinal);

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
        private readonly TaskCompletionSource<CachedChatEntry?> _result = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Waits for the leader's entry; <see langword="null"/> when there is nothing to share.</summary>
        public Task<CachedChatEntry?> WaitAsync(CancellationToken cancellationToken) => _result.Task.WaitAsync(cancellationToken);

        /// <summary>Ends the flight (the leader calls it once, whatever happened) and releases the waiters.</summary>
        public void Complete(CachedChatEntry? entry)
        {
            owner._flights.TryRemove(new KeyValuePair<string, Flight>(key, this));
            _result.TrySetResult(entry);
        }
    }
}
