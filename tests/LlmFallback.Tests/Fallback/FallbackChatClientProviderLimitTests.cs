using LlmFallback.Testing;

namespace LlmFallback.Tests.Fallback;

/// <summary>A provider's declared per-minute limits on the request path: a provider at its limit is skipped or waited for.</summary>
public sealed class FallbackChatClientProviderLimitTests
{
    private static CancellationToken Ct => FallbackFixture.Ct;

    [Fact]
    public async Task GetResponseAsync_PrimaryAtItsRequestLimit_SkippedWithProviderLimit()
    {
        var f = new FallbackFixture();
        var primary = f.Always(Script.Answer("from a"));
        using var client = f.Client([f.Provider("a", primary, o => o.Limits.RequestsPerMinute = 2), f.Provider("b", f.Always(Script.Answer("from b")))]);

        Assert.Equal("from a", (await client.GetResponseAsync("1", cancellationToken: Ct)).Text);
        Assert.Equal("from a", (await client.GetResponseAsync("2", cancellationToken: Ct)).Text);
        var third = await client.GetResponseAsync("3", cancellationToken: Ct);

        Assert.Equal("from b", third.Text);
        Assert.Equal(2, primary.CallCount);
        var skipped = third.GetLlmCallInfo()!.Attempts[0];
        Assert.Equal(("a", LlmAttemptDecision.Skipped, LlmFailureKind.Unavailable, "provider_limit"), (skipped.Provider, skipped.Decision, skipped.Kind!.Value, skipped.Failure!.ErrorCode));
    }

    [Fact]
    public async Task GetResponseAsync_ReportedUsageFillsTheTokenLimit_NextCallGoesElsewhere()
    {
        var f = new FallbackFixture();
        var primary = f.Always(Script.Answer("from a", usage: new UsageDetails { TotalTokenCount = 1000 }));
        using var client = f.Client([f.Provider("a", primary, o => o.Limits.TokensPerMinute = 1000), f.Provider("b", f.Always(Script.Answer("from b")))]);

        Assert.Equal("from a", (await client.GetResponseAsync("1", cancellationToken: Ct)).Text);

        Assert.Equal("from b", (await client.GetResponseAsync("2", cancellationToken: Ct)).Text);
        Assert.Equal(1, primary.CallCount);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_ReportedUsageCountsToo()
    {
        var f = new FallbackFixture();
        var a = f.Provider("a", f.Always(Script.Answer("from a", usage: new UsageDetails { TotalTokenCount = 700 })), o => o.Limits.TokensPerMinute = 1000);
        using var client = f.Client([a]);

        await foreach (var _ in client.GetStreamingResponseAsync("1", cancellationToken: Ct))
        {
        }

        Assert.InRange(a.Limiter!.Utilization(a.Clock.Now, 0), 0.7, 0.7001);
    }

    [Fact]
    public async Task GetResponseAsync_OnlyProviderAtItsLimit_WaitsForRoomInsteadOfFailing()
    {
        var f = new FallbackFixture();
        var primary = f.Always(Script.Answer("from a"));
        var a = f.Provider("a", primary, o => o.Limits.RequestsPerMinute = 1);
        using var client = f.Client([a], FallbackFixture.Options(o => o.MaxWaitForAvailability = TimeSpan.FromMinutes(2)));
        await client.GetResponseAsync("1", cancellationToken: Ct);

        var waiting = client.GetResponseAsync("2", cancellationToken: Ct);
        await Poll.SettleAsync();
        Assert.False(waiting.IsCompleted);
        for (var i = 0; i < 14 && !waiting.IsCompleted; i++)
        {
            f.Advance(TimeSpan.FromSeconds(5));
            await Poll.SettleAsync();
        }

        Assert.Equal("from a", (await Poll.CompletesAsync(waiting)).Text);
        Assert.Equal(2, primary.CallCount);
    }

    [Fact]
    public void TryAcquire_AtTheLimit_RefusesWithoutTakingTheBreakersProbeOrARampSlot()
    {
        var f = new FallbackFixture();
        var a = f.Provider("a", f.Always(Script.Answer("x")), o => o.Limits.RequestsPerMinute = 1);
        var now = a.Clock.Now;
        Assert.True(a.TryAcquire(now, out var permit, out _));
        a.Succeed(ref permit);

        Assert.False(a.TryAcquire(now, out _, out var refusal));

        Assert.Equal(LlmRefusal.ProviderLimit, refusal);
        Assert.Equal(a.Limiter!.NextRoom(now), a.UnavailableUntil(now));
        Assert.Equal(0, a.InFlight);
    }
}
