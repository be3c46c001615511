using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LlmFallback;

/// <summary>
/// One provider's replicas: which one takes the next request, and each one's health. Selection is lock-free: a
/// volatile read of the rotation (a precomputed smooth weighted round-robin period), one interlocked step of a
/// cursor, and for least-in-flight a scan of the (few) replicas. The lock is taken only when a replica changes
/// status (ejected, cooling down, back in rotation) or when an ejection or cool-down falls due.
/// </summary>
internal sealed partial class ReplicaPool
{
    private readonly Replica[] _replicas;
    private readonly ReplicaEndpoint _base;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly bool _leastInFlight;
    private readonly int _failureThreshold;
    private readonly long _baseEjectionTicks;
    private readonly long _maxEjectionTicks;
    private readonly long _probeStaleTicks;
    private readonly Lock _gate = new();
    private Replica[] _rotation = [];
    private long _cursor = -1;
    private long _nextDue = long.MaxValue;
    private int _inRotation;

    /// <summary>Initializes a new instance of the <see cref="ReplicaPool"/> class from validated options.</summary>
    /// <param name="provider">The provider's name, for logs.</param>
    /// <param name="configurationPath">The provider's configuration key, for messages.</param>
    /// <param name="options">The provider's options; <see cref="LlmProviderOptions.Replicas"/> must not be empty.</param>
    /// <param name="timeProvider">The clock.</param>
    /// <param name="logger">Logs ejections and recoveries.</param>
    public ReplicaPool(string provider, string configurationPath, LlmProviderOptions options, TimeProvider timeProvider, ILogger? logger)
    {
        Provider = provider;
        ConfigurationPath = configurationPath;
        Shape = ReplicaPoolSlot.Shape(options);
        _time = timeProvider;
        _logger = logger ?? NullLogger.Instance;
        _leastInFlight = options.Balancing == LlmReplicaBalancing.LeastInFlight;
        var health = options.ReplicaHealth ?? new();
        _failureThreshold = health.ConsecutiveFailures;
        _baseEjectionTicks = Ticks(health.BaseEjectionTime);
        _maxEjectionTicks = Math.Max(_baseEjectionTicks, Ticks(health.MaxEjectionTime));

        // Every probe reports when its attempt ends (answered, failed, timed out or cancelled); one that has not after
        // the longest ejection is stuck on a request nobody ends, and another request takes the permit.
        _probeStaleTicks = _maxEjectionTicks;

        var replicas = options.Replicas;
        _replicas = new Replica[replicas.Count];
        for (var i = 0; i < _replicas.Length; i++)
        {
            _replicas[i] = new Replica(i, new ReplicaEndpoint(replicas[i].Endpoint!), replicas[i].Weight);
        }

        _base = options.Endpoint is { } endpoint ? new ReplicaEndpoint(endpoint) : _replicas[0].Endpoint;
        lock (_gate)
        {
            Rebuild();
        }
    }

    public string Provider { get; }

    public string ConfigurationPath { get; }

    /// <summary>Gets what the pool was built from, to tell whether a reload changed it.</summary>
    public string Shape { get; }

    internal IReadOnlyList<Replica> Replicas => _replicas;

    /// <summary>
    /// Finds where the rest of <paramref name="uri"/>'s path starts: under the provider's endpoint (the base the
    /// adapter builds from) or, for a request a handler re-sends, under a replica it was already moved to.
    /// </summary>
    public bool TryMatch(Uri uri, out int restStart)
    {
        if (_base.TryMatch(uri, out restStart))
        {
            return true;
        }

        foreach (var replica in _replicas)
        {
            if (replica.Endpoint.TryMatch(uri, out restStart))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Chooses the replica for one request and counts it in flight; the caller must <see cref="Release"/> it.</summary>
    public ReplicaPick Select()
    {
        var now = _time.GetTimestamp();
        if (now >= Volatile.Read(ref _nextDue) && TakeDue(now) is { } probe)
        {
            Interlocked.Increment(ref probe.InFlight);
            return new ReplicaPick(probe, Probe: true, Claimed: true);
        }

        var rotation = Volatile.Read(ref _rotation);
        Replica? chosen = null;
        if (rotation.Length > 0)
        {
            var next = rotation[(int)((ulong)Interlocked.Increment(ref _cursor) % (ulong)rotation.Length)];
            chosen = _leastInFlight ? LeastLoaded(next) : next.InRotation ? next : LeastLoaded(next);
        }

        var outside = chosen is null;
        chosen ??= Soonest();
        Interlocked.Increment(ref chosen.InFlight);
        return new ReplicaPick(chosen, Probe: outside, Claimed: false);
    }

    /// <summary>Ends a request's hold on its replica (once: after the response body, or on failure or cancellation).</summary>
    public static void Release(in ReplicaPick pick) => Interlocked.Decrement(ref pick.Replica.InFlight);

    /// <summary>Gets a point-in-time view of every replica.</summary>
    public LlmReplicaHealth[] GetHealth()
    {
        var now = _time.GetTimestamp();
        var utcNow = _time.GetUtcNow();
        var result = new LlmReplicaHealth[_replicas.Length];
        for (var i = 0; i < _replicas.Length; i++)
        {
            var r = _replicas[i];
            var status = (ReplicaStatus)Volatile.Read(ref r.Status);
            var state = status switch
            {
                ReplicaStatus.Ejected => LlmReplicaState.Ejected,
                ReplicaStatus.CoolingDown => LlmReplicaState.CoolingDown,
                _ => LlmReplicaState.Healthy,
            };
            var until = Volatile.Read(ref r.AvailableAt);
            DateTimeOffset? availableAt = status == ReplicaStatus.InRotation ? null : until <= now ? utcNow : utcNow + _time.GetElapsedTime(now, until);
            var last = Volatile.Read(ref r.LastFailure);
            result[i] = new LlmReplicaHealth(
                r.Endpoint.Address,
                r.Weight,
                state,
                Volatile.Read(ref r.InFlight),
                Volatile.Read(ref r.ConsecutiveFailures),
                Volatile.Read(ref r.Ejections),
                availableAt,
                status == ReplicaStatus.Ejected && Volatile.Read(ref r.Probing) != 0,
                last == 0 ? null : (LlmFailureKind)last);
        }

        return result;
    }

    /// <summary>
    /// The in-rotation replica with the fewest requests in flight per unit of weight. The scan starts at
    /// <paramref name="start"/> (the next replica in weighted round-robin order) and only a strictly lower load
    /// displaces it, so ties are broken in proportion to the weights. Null when nothing is in rotation.
    /// </summary>
    private Replica? LeastLoaded(Replica start)
    {
        Replica? best = null;
        long bestLoad = 0;
        long bestWeight = 1;
        var n = _replicas.Length;
        for (int k = 0, i = start.Index; k < n; k++, i = i + 1 == n ? 0 : i + 1)
        {
            var r = _replicas[i];
            if (!r.InRotation)
            {
                continue;
            }

            long load = Volatile.Read(ref r.InFlight);
            if (best is null || load * bestWeight < bestLoad * r.Weight)
            {
                best = r;
                bestLoad = load;
                bestWeight = r.Weight;
            }
        }

        return best;
    }

    /// <summary>With nothing in rotation, the replica that comes back first (fewest in flight on a tie): better than failing locally.</summary>
    private Replica Soonest()
    {
        var best = _replicas[0];
        for (var i = 1; i < _replicas.Length; i++)
        {
            var r = _replicas[i];
            var at = Volatile.Read(ref r.AvailableAt);
            var bestAt = Volatile.Read(ref best.AvailableAt);
            if (at < bestAt || (at == bestAt && Volatile.Read(ref r.InFlight) < Volatile.Read(ref best.InFlight)))
            {
                best = r;
            }
        }

        return best;
    }

    private long Ticks(TimeSpan value) => (long)(value.TotalSeconds * _time.TimestampFrequency);
}
