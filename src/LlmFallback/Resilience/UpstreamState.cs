namespace LlmFallback;

/// <summary>The cool-down shared by every provider behind one upstream (one rate limit).</summary>
internal sealed class UpstreamState
{
    private long _cooldownUntil;

    public UpstreamState(string name) => Name = name;

    public string Name { get; }

    /// <summary>Gets the timestamp until which the upstream is cooling down, or 0.</summary>
    public long CooldownUntil => Volatile.Read(ref _cooldownUntil);

    public bool IsCoolingDown(long now)
    {
        var until = Volatile.Read(ref _cooldownUntil);
        return until != 0 && now < until;
    }

    /// <summary>Extends the cool-down to <paramref name="until"/> if that is later than the current one.</summary>
    public void CoolDownUntil(long until)
    {
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
}
