namespace LlmFallback;

/// <summary>
/// What each deployment with a per-minute limit was sent in the last minute (requests and tokens, in this process),
/// for the usage-aware strategy. The limits are the ones declared under <c>Llm:Providers:&lt;name&gt;:Limits</c>
/// (<c>RequestsPerMinute</c>, <c>TokensPerMinute</c>). Lock-free sliding windows.
/// </summary>
internal sealed class DeploymentUsage
{
    private const int Buckets = 12;
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.OrdinalIgnoreCase);
    private readonly LlmClock _clock;

    public DeploymentUsage(IReadOnlyDictionary<string, DeploymentLimits> limits, TimeProvider timeProvider)
    {
        _clock = LlmClock.For(timeProvider);
        foreach (var (name, limit) in limits)
        {
            if (limit.RequestsPerMinute is not null || limit.TokensPerMinute is not null)
            {
                _entries[name] = new Entry(limit, new SlidingWindowCounter(TimeSpan.FromMinutes(1), Buckets, _clock.Frequency));
            }
        }
    }

    public bool IsEmpty => _entries.Count == 0;

    /// <summary>
    /// How much of its limits the deployment would use with one more request of <paramref name="tokens"/>: the larger
    /// of the two shares, 0 without limits. Above 1 it would go over a limit.
    /// </summary>
    public double Utilization(LlmProvider provider, int tokens)
    {
        if (!_entries.TryGetValue(provider.Name, out var entry))
        {
            return 0;
        }

        var (requests, used) = entry.Window.Sum(_clock.Now);
        var share = 0.0;
        if (entry.Limits.RequestsPerMinute is { } rpm)
        {
            share = (requests + 1.0) / rpm;
        }

        if (entry.Limits.TokensPerMinute is { } tpm)
        {
            share = Math.Max(share, ((double)used + tokens) / tpm);
        }

        return share;
    }

    /// <summary>Counts requests and tokens sent to a deployment (negative tokens correct an estimate).</summary>
    public void Add(LlmProvider provider, int requests, int tokens)
    {
        if (_entries.TryGetValue(provider.Name, out var entry))
        {
            entry.Window.Add(_clock.Now, requests, tokens);
        }
    }

    private sealed record Entry(DeploymentLimits Limits, SlidingWindowCounter Window);
}

/// <summary>A deployment's per-minute limits, as declared under <c>Llm:Providers:&lt;name&gt;:Limits</c>.</summary>
internal readonly record struct DeploymentLimits(int? RequestsPerMinute, int? TokensPerMinute);
