using System.Net.Sockets;

namespace LlmFallback;

/// <summary>Passive outlier detection: what each outcome does to a replica's standing.</summary>
internal sealed partial class ReplicaPool
{
    /// <summary>Applies the verdict of a response's status line; returns whether its retry-after was consumed by the pool.</summary>
    public bool OnResponse(in ReplicaPick pick, HttpResponseMessage response)
    {
        var status = (int)response.StatusCode;
        if (status is not (>= 500 or 429))
        {
            OnSuccess(pick);
            return false;
        }

        var kind = status == 429 ? LlmFailureKind.RateLimited : LlmFailureKind.ServerError;
        if (status is 429 or 503
            && LlmRetryAfter.TryParse(response.Headers, _time.GetUtcNow(), out var delay)
            && delay > TimeSpan.Zero)
        {
            // The server said exactly how long this replica needs: cool it, not the provider. While another replica
            // can take the retry, the attempt policy must not see the wait either (it would cool the whole provider).
            if (CoolDown(pick, delay, kind))
            {
                response.Headers.Remove("Retry-After");
                response.Headers.Remove("retry-after-ms");
                return true;
            }

            return false;
        }

        OnFailure(pick, kind);
        return false;
    }

    /// <summary>Applies the verdict of an exception from the transport (or of a cancellation) while waiting for headers.</summary>
    public void OnException(in ReplicaPick pick, Exception exception, CancellationToken cancellationToken)
    {
        var attempt = LlmAttemptContext.Current;
        if (Classify(exception, cancellationToken.IsCancellationRequested || attempt?.Token.IsCancellationRequested == true, attempt) is { } kind)
        {
            OnFailure(pick, kind);
        }
        else
        {
            OnNeutral(pick);
        }
    }

    /// <summary>
    /// What an exception says about the replica. Once the request was cancelled, whatever it threw is the
    /// cancellation's doing: the replica's timeout only when <paramref name="attempt"/> says its deadline fired,
    /// otherwise the caller's business (no attempt context: the caller's). Without a cancellation, transport failures
    /// and the transport's own timeouts count; anything else says nothing.
    /// </summary>
    public static LlmFailureKind? Classify(Exception exception, bool cancelled, LlmAttemptContext? attempt) =>
        cancelled ? CancellationVerdict(attempt) : exception switch
        {
            OperationCanceledException or TimeoutException => LlmFailureKind.Timeout,
            HttpRequestException or IOException or SocketException => LlmFailureKind.Transport,
            _ => null,
        };

    /// <summary>A cancellation is the replica's timeout only when the attempt's own deadline fired.</summary>
    public static LlmFailureKind? CancellationVerdict(LlmAttemptContext? attempt) => attempt?.TimedOut == true ? LlmFailureKind.Timeout : null;

    public void OnSuccess(in ReplicaPick pick)
    {
        var r = pick.Replica;
        if (!pick.Probe && r.InRotation)
        {
            if (Volatile.Read(ref r.ConsecutiveFailures) != 0)
            {
                Volatile.Write(ref r.ConsecutiveFailures, 0);
            }

            return;
        }

        if (!pick.Probe)
        {
            // A late answer to a request sent before the ejection says nothing about the replica now.
            return;
        }

        var now = _time.GetTimestamp();
        lock (_gate)
        {
            if (pick.Claimed)
            {
                r.Probing = 0;
            }

            if (r.Status != (int)ReplicaStatus.InRotation)
            {
                Return(r, now);
            }

            r.ConsecutiveFailures = 0;
            RecomputeDue();
        }
    }

    public void OnFailure(in ReplicaPick pick, LlmFailureKind kind)
    {
        var r = pick.Replica;
        Volatile.Write(ref r.LastFailure, (int)kind);
        var inRotation = r.InRotation;
        var failures = inRotation ? Interlocked.Increment(ref r.ConsecutiveFailures) : 0;
        if (!pick.Claimed && (inRotation ? failures < _failureThreshold : !pick.Probe))
        {
            // Below the threshold; or already out of rotation and sent before that, so it must not lengthen the ejection.
            return;
        }

        var now = _time.GetTimestamp();
        lock (_gate)
        {
            if (pick.Claimed)
            {
                r.Probing = 0;
            }

            if (r.Status == (int)ReplicaStatus.InRotation)
            {
                if (r.ConsecutiveFailures >= _failureThreshold)
                {
                    if (_inRotation > 1)
                    {
                        Eject(r, now, kind);
                    }
                    else
                    {
                        ReplicaLog.LastReplicaKept(_logger, Provider, r.Endpoint.Prefix, r.ConsecutiveFailures, kind);
                    }
                }
            }
            else if (pick.Probe && (pick.Claimed || r.AvailableAt <= now))
            {
                // A failed probe (or a failure once the replica was due back): out again, for longer.
                r.ConsecutiveFailures++;
                Eject(r, now, kind);
            }

            RecomputeDue();
        }
    }

    /// <summary>An outcome that says nothing about the replica (the caller cancelled, a local error): a probe gives its permit back.</summary>
    public void OnNeutral(in ReplicaPick pick)
    {
        if (!pick.Claimed)
        {
            return;
        }

        lock (_gate)
        {
            pick.Replica.Probing = 0;
            RecomputeDue();
        }
    }

    /// <summary>Takes a replica out of rotation until the time its server asked for; returns whether another replica is in rotation.</summary>
    public bool CoolDown(in ReplicaPick pick, TimeSpan delay, LlmFailureKind kind)
    {
        var r = pick.Replica;
        Volatile.Write(ref r.LastFailure, (int)kind);
        var now = _time.GetTimestamp();
        var until = now + Ticks(delay > LlmRetryAfter.MaxValue ? LlmRetryAfter.MaxValue : delay);
        lock (_gate)
        {
            if (pick.Claimed)
            {
                r.Probing = 0;
            }

            if (r.Status == (int)ReplicaStatus.InRotation)
            {
                r.Status = (int)ReplicaStatus.CoolingDown;
                r.AvailableAt = until;
                Rebuild();
                ReplicaLog.CoolingDown(_logger, Provider, r.Endpoint.Prefix, delay);
            }
            else if (until > r.AvailableAt)
            {
                r.AvailableAt = until;
            }

            RecomputeDue();
            return _inRotation > 0;
        }
    }

    /// <summary>
    /// Runs when an ejection or cool-down falls due: cooled replicas go straight back into rotation (their server said
    /// when); the first due ejected replica hands its single probe permit to the calling request, which it returns.
    /// </summary>
    private Replica? TakeDue(long now)
    {
        lock (_gate)
        {
            if (now < _nextDue)
            {
                return null;
            }

            Replica? probe = null;
            foreach (var r in _replicas)
            {
                if (r.Status == (int)ReplicaStatus.CoolingDown && r.AvailableAt <= now)
                {
                    Return(r, now);
                }
                else if (probe is null
                    && r.Status == (int)ReplicaStatus.Ejected
                    && r.AvailableAt <= now
                    && (r.Probing == 0 || now - r.ProbeStarted >= _probeStaleTicks))
                {
                    r.Probing = 1;
                    r.ProbeStarted = now;
                    probe = r;
                }
            }

            RecomputeDue();
            return probe;
        }
    }

    /// <summary>Ejects for the base time doubled per earlier ejection, up to the maximum; a replica that stayed back that long starts over.</summary>
    private void Eject(Replica r, long now, LlmFailureKind kind)
    {
        var wasInRotation = r.Status == (int)ReplicaStatus.InRotation;
        if (wasInRotation && r.ReturnedAt != 0 && now - r.ReturnedAt >= _maxEjectionTicks)
        {
            r.Ejections = 0;
        }

        var ticks = _baseEjectionTicks;
        for (var i = 0; i < r.Ejections && ticks < _maxEjectionTicks; i++)
        {
            ticks *= 2;
        }

        ticks = Math.Min(ticks, _maxEjectionTicks);
        r.Ejections = Math.Min(r.Ejections + 1, 1000);
        r.Status = (int)ReplicaStatus.Ejected;
        r.AvailableAt = Math.Max(r.AvailableAt, now + ticks);
        r.Probing = 0;
        if (wasInRotation)
        {
            Rebuild();
        }

        ReplicaLog.Ejected(_logger, Provider, r.Endpoint.Prefix, TimeSpan.FromSeconds((double)ticks / _time.TimestampFrequency), r.ConsecutiveFailures, kind, r.Ejections);
    }

    private void Return(Replica r, long now)
    {
        var from = (ReplicaStatus)r.Status;
        r.Status = (int)ReplicaStatus.InRotation;
        r.AvailableAt = 0;
        r.Probing = 0;
        r.ConsecutiveFailures = 0;
        if (from == ReplicaStatus.Ejected)
        {
            r.ReturnedAt = now;
        }

        Rebuild();
        ReplicaLog.Returned(_logger, Provider, r.Endpoint.Prefix, from == ReplicaStatus.Ejected ? "ejection" : "cool-down");
    }

    /// <summary>Recomputes the rotation (under the lock): the in-rotation replicas in smooth weighted round-robin order.</summary>
    private void Rebuild()
    {
        var count = 0;
        foreach (var r in _replicas)
        {
            if (r.Status == (int)ReplicaStatus.InRotation)
            {
                count++;
            }
        }

        var members = new Replica[count];
        var weights = new int[count];
        count = 0;
        foreach (var r in _replicas)
        {
            if (r.Status == (int)ReplicaStatus.InRotation)
            {
                members[count] = r;
                weights[count++] = r.Weight;
            }
        }

        var order = SmoothWeightedSchedule.Build(weights);
        var rotation = new Replica[order.Length];
        for (var i = 0; i < order.Length; i++)
        {
            rotation[i] = members[order[i]];
        }

        _inRotation = count;
        Volatile.Write(ref _rotation, rotation);
    }

    /// <summary>Recomputes (under the lock) the earliest time something falls due: a cool-down ends, an ejection ends, a lost probe is replaced.</summary>
    private void RecomputeDue()
    {
        var due = long.MaxValue;
        foreach (var r in _replicas)
        {
            var at = r.Status switch
            {
                (int)ReplicaStatus.CoolingDown => r.AvailableAt,
                (int)ReplicaStatus.Ejected when r.Probing != 0 => r.ProbeStarted + _probeStaleTicks,
                (int)ReplicaStatus.Ejected => r.AvailableAt,
                _ => long.MaxValue,
            };
            due = Math.Min(due, at);
        }

        Volatile.Write(ref _nextDue, due);
    }
}
