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
}
