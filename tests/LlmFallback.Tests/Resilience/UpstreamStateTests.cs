namespace LlmFallback.Tests.Resilience;

public class UpstreamStateTests
{
    [Fact]
    public void New_IsNotCoolingDown()
    {
        var upstream = new UpstreamState("azure-eastus");

        Assert.Equal("azure-eastus", upstream.Name);
        Assert.Equal(0, upstream.CooldownUntil);
        Assert.False(upstream.IsCoolingDown(12345));
    }

    [Fact]
    public void CoolDownUntil_Later_IsCoolingDownUntilThen()
    {
        var upstream = new UpstreamState("u");

        upstream.CoolDownUntil(2000);

        Assert.True(upstream.IsCoolingDown(1000));
        Assert.True(upstream.IsCoolingDown(1999));
        Assert.False(upstream.IsCoolingDown(2000));
        Assert.Equal(2000, upstream.CooldownUntil);
    }

    [Fact]
    public void CoolDownUntil_Earlier_NeverShortensTheCooldown()
    {
        var upstream = new UpstreamState("u");
        upstream.CoolDownUntil(5000);

        upstream.CoolDownUntil(3000);

        Assert.Equal(5000, upstream.CooldownUntil);
    }

    [Fact]
    public async Task CoolDownUntil_Concurrent_KeepsTheLatest()
    {
        var upstream = new UpstreamState("u");

        await Parallel.ForAsync(1, 1001, TestContext.Current.CancellationToken, (i, _) =>
        {
            upstream.CoolDownUntil(i);
            return ValueTask.CompletedTask;
        });

        Assert.Equal(1000, upstream.CooldownUntil);
    }
    [Fact]
    public void ReleaseRamp_SlotGivenBackThatNobodyWasRefused_DoesNotWakeWaiters()
    {
        // A waiting request looks at the provider: the ramp admits it, the breaker refuses it, the slot goes back. The
        // request that took the slot must not be woken by giving it back.
        var upstream = new UpstreamState("u");
        upstream.StartRamp();
        var pulse = upstream.Signal.NextPulse;
        Assert.True(upstream.TryAdmit(0, out var epoch, out _));

        upstream.ReleaseRamp(epoch, accepted: false);

        Assert.False(pulse.IsCompleted);
        Assert.True(upstream.TryAdmit(0, out _, out _));
    }

    [Fact]
    public void ReleaseRamp_SlotFreedAfterACallWasRefusedForAFullRamp_WakesWaiters()
    {
        var (upstream, epoch) = RampWithItsOneSlotTaken();
        var pulse = upstream.Signal.NextPulse;
        Assert.False(upstream.TryAdmit(0, out _, out var rampFull));
        Assert.True(rampFull);

        upstream.ReleaseRamp(epoch, accepted: false);

        Assert.True(pulse.IsCompleted);
        var next = upstream.Signal.NextPulse;
        Assert.True(upstream.TryAdmit(0, out var again, out _));
        upstream.ReleaseRamp(again, accepted: false);
        Assert.False(next.IsCompleted);
    }

    [Fact]
    public void ReleaseRamp_Accepted_WakesWaiters()
    {
        var (upstream, epoch) = RampWithItsOneSlotTaken();
        var pulse = upstream.Signal.NextPulse;

        upstream.ReleaseRamp(epoch, accepted: true);

        Assert.True(pulse.IsCompleted);
    }

    private static (UpstreamState Upstream, int Epoch) RampWithItsOneSlotTaken()
    {
        var upstream = new UpstreamState("u");
        upstream.StartRamp();
        Assert.True(upstream.TryAdmit(0, out var epoch, out _));
        return (upstream, epoch);
    }
}
