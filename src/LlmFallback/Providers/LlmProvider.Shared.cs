namespace LlmFallback;

public sealed partial class LlmProvider
{
    // Set while a breaker opening that came from another instance is applied, so it is not shared back.
    [ThreadStatic]
    private static bool t_applyingShared;

    /// <summary>Gets or sets the store that shares cool-downs and openings with other instances; <see langword="null"/> keeps them local.</summary>
    internal ISharedHealthStore? SharedHealth { get; set; }

    /// <summary>The upstream asked to wait <paramref name="retryAfter"/> from <paramref name="now"/>: every provider sharing it (in every instance, with a shared store) cools down.</summary>
    internal void CoolDown(long now, TimeSpan retryAfter)
    {
        Upstream.CoolDownUntil(now + Clock.ToTimestamps(retryAfter));
        SharedHealth?.CooldownStarted(this, LlmClock.WallTime(TimeProvider.GetUtcNow(), retryAfter));
    }

    /// <summary>Another instance saw the upstream ask to wait until <paramref name="until"/> (wall time).</summary>
    internal void ApplySharedCooldown(DateTimeOffset until)
    {
        var left = SharedLeft(until);
        if (left > TimeSpan.Zero)
        {
            Upstream.CoolDownUntil(Clock.Now + Clock.ToTimestamps(left));
            Upstream.Signal.Pulse();
        }
    }

    /// <summary>Another instance opened this provider's breaker until <paramref name="until"/> (wall time).</summary>
    internal void ApplySharedOpening(DateTimeOffset until, LlmFailureKind? cause)
    {
        var left = SharedLeft(until);
        if (left <= TimeSpan.Zero)
        {
            return;
        }

        t_applyingShared = true;
        try
        {
            Breaker.OpenFor(Clock.Now, Clock.ToTimestamps(left), cause);
        }
        finally
        {
            t_applyingShared = false;
        }
    }

    private void ShareOpening(LlmFailureKind? cause)
    {
        if (SharedHealth is { } shared && !t_applyingShared)
        {
            var now = Clock.Now;
            shared.BreakerOpened(this, LlmClock.WallTime(TimeProvider.GetUtcNow(), Clock.Elapsed(now, Math.Max(now, Breaker.OpenUntil))), cause);
        }
    }

    /// <summary>
    /// How long a deadline heard from another instance has left, held to one day: no instance publishes more (the
    /// longest Retry-After honoured), so a corrupt message can neither take the provider out for good nor overflow the
    /// clock arithmetic.
    /// </summary>
    private TimeSpan SharedLeft(DateTimeOffset until)
    {
        var now = TimeProvider.GetUtcNow();
        return until - now > LlmRetryAfter.MaxValue ? LlmRetryAfter.MaxValue : until - now;
    }
}
