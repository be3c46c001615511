namespace LlmFallback;

/// <summary>
/// The one account of what a provider (a deployment) was sent in the last minute, against its declared
/// <see cref="LlmProviderLimits"/>: the provider's availability check takes a request from it (refusing with
/// <c>provider_limit</c> when full), answered calls add their tokens, and the usage-aware routing strategy orders
/// deployments by how full it is. A sliding minute of twelve 5-second buckets, in this process. Only providers that
/// declare limits have one, so the others pay nothing.
/// </summary>
internal sealed class ProviderLimiter
{
    private const int Buckets = 12;
    private readonly SlidingWindowCounter _window;
    private readonly LlmClock _clock;
    private readonly long _bucketTicks;
    private readonly Lock _gate = new();

    private ProviderLimiter(LlmProviderLimits limits, LlmClock clock)
    {
        Limits = new LlmProviderLimits { RequestsPerMinute = limits.RequestsPerMinute, TokensPerMinute = limits.TokensPerMinute };
        _clock = clock;
        _window = new SlidingWindowCounter(TimeSpan.FromMinutes(1), Buckets, clock.Frequency);
        _bucketTicks = Math.Max(1, clock.ToTimestamps(TimeSpan.FromMinutes(1)) / Buckets);
    }

    /// <summary>Gets the declared limits (a copy).</summary>
    public LlmProviderLimits Limits { get; }

    /// <summary>A limiter for <paramref name="limits"/>, or <see langword="null"/> when none is declared.</summary>
    public static ProviderLimiter? For(LlmProviderLimits? limits, LlmClock clock) =>
        limits is null || limits.IsEmpty ? null : new ProviderLimiter(limits, clock);

    /// <summary>
    /// Takes one request and <paramref name="tokens"/> (an estimate, 0 when unknown: then only a full token minute
    /// refuses) if both fit in the last minute.
    /// </summary>
    public bool TryTake(long now, long tokens)
    {
        var cost = (int)Math.Clamp(tokens, 0, int.MaxValue);
        lock (_gate)
        {
            var (requests, used) = _window.Sum(now);
            if (Limits.RequestsPerMinute is { } rpm && requests + 1 > rpm)
            {
                return false;
            }

            if (Limits.TokensPerMinute is { } tpm && (used >= tpm || (long)used + Math.Min(cost, tpm) > tpm))
            {
                return false;
            }

            _window.Add(now, 1, cost);
            return true;
        }
    }

    /// <summary>Gives back a request taken by <see cref="TryTake"/> that was never sent.</summary>
    public void Return(long now, long tokens) => _window.Add(now, -1, -(int)Math.Clamp(tokens, 0, int.MaxValue));

    /// <summary>Adds tokens once a call's usage is known (negative corrects an estimate).</summary>
    public void AddTokens(long now, long tokens)
    {
        if (tokens != 0)
        {
            _window.Add(now, 0, (int)Math.Clamp(tokens, int.MinValue, int.MaxValue));
        }
    }

    /// <summary>The earliest moment the window may have room again: the oldest bucket leaves it at the next bucket boundary.</summary>
    public long NextRoom(long now) => ((now / _bucketTicks) + 1) * _bucketTicks;

    /// <summary>Whether the window is full now (a request without a token estimate would be refused).</summary>
    public bool IsFull(long now)
    {
        var (requests, used) = _window.Sum(now);
        return (Limits.RequestsPerMinute is { } rpm && requests >= rpm) || (Limits.TokensPerMinute is { } tpm && used >= tpm);
    }

    /// <summary>
    /// How much of its limits the provider would use with one more request of <paramref name="tokens"/>: the larger of
    /// the two shares. Above 1 it would go over a limit.
    /// </summary>
    public double Utilization(long now, int tokens)
    {
        var (requests, used) = _window.Sum(now);
        var share = 0.0;
        if (Limits.RequestsPerMinute is { } rpm)
        {
            share = (requests + 1.0) / rpm;
        }

        if (Limits.TokensPerMinute is { } tpm)
        {
            share = Math.Max(share, ((double)used + tokens) / tpm);
        }

        return share;
    }

    /// <summary>Gets the current timestamp of the limiter's clock.</summary>
    public long Now => _clock.Now;

    /// <summary>Gets the limiter's clock.</summary>
    public LlmClock Clock => _clock;
}
