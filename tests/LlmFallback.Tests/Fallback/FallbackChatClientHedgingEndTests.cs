using LlmFallback.Testing;

namespace LlmFallback.Tests.Fallback;

/// <summary>Hedged requests that end early: the caller cancels, or a call's failure surfaces while the other runs.</summary>
public sealed class FallbackChatClientHedgingEndTests
{
    private static readonly List<ChatMessage> Hello = [new(ChatRole.User, "hello")];

    private static FallbackOptions Hedging() => FallbackFixture.Options(o =>
    {
        o.Hedging.Enabled = true;
        o.Hedging.MaxHedgeRatio = 1;
    });

    [Fact]
    public async Task GetResponseAsync_CallerCancelsWhileBothRun_CancelledAndBothPermitsGivenBack()
    {
        var f = new FallbackFixture();
        var primary = f.Provider("primary", f.Script(Script.Hang()));
        var hedgeClient = f.Script(Script.Hang());
        var hedge = f.Provider("hedge", hedgeClient);
        var client = f.Client([primary, hedge], Hedging());
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(FallbackFixture.Ct);

        var task = client.GetResponseAsync(Hello, null, cts.Token);
        await Poll.SettleAsync();
        f.Advance(TimeSpan.FromSeconds(2));
        await Poll.UntilAsync(() => hedgeClient.CallCount == 1, "the hedge is sent");
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Poll.CompletesAsync(task));
        Assert.Equal((0, 0), (primary.InFlight, hedge.InFlight));
        Assert.Equal((0, 0), (primary.Breaker.ConsecutiveFailures, hedge.Breaker.ConsecutiveFailures));
    }

    [Fact]
    public async Task GetStreamingResponseAsync_CallerCancelsWhileBothRun_CancelledAndBothPermitsGivenBack()
    {
        var f = new FallbackFixture();
        var primary = f.Provider("primary", f.Script(Script.Hang()));
        var hedgeClient = f.Script(Script.Hang());
        var hedge = f.Provider("hedge", hedgeClient);
        var client = f.Client([primary, hedge], Hedging());
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(FallbackFixture.Ct);

        var stream = new StreamResult().ReadAsync(client.GetStreamingResponseAsync(Hello, null, cts.Token));
        await Poll.SettleAsync();
        f.Advance(TimeSpan.FromSeconds(2));
        await Poll.UntilAsync(() => hedgeClient.CallCount == 1, "the hedge is sent");
        await cts.CancelAsync();
        var result = await Poll.CompletesAsync(stream);

        Assert.IsAssignableFrom<OperationCanceledException>(result.Error);
        await Poll.UntilAsync(() => primary.InFlight == 0 && hedge.InFlight == 0, "both permits are given back");
        Assert.Equal((0, 0), (primary.Breaker.ConsecutiveFailures, hedge.Breaker.ConsecutiveFailures));
    }

    [Fact]
    public async Task GetResponseAsync_HedgeRejectsTheRequestWhilePrimaryRuns_BadRequestSurfacesAndPrimaryIsCancelled()
    {
        var f = new FallbackFixture();
        var primary = f.Provider("primary", f.Script(Script.Hang()));
        var hedge = f.Provider("hedge", f.Always(Script.Status(400)));
        var client = f.Client([primary, hedge], Hedging());

        var task = client.GetResponseAsync(Hello, null, FallbackFixture.Ct);
        await Poll.SettleAsync();
        f.Advance(TimeSpan.FromSeconds(2));
        var ex = await Assert.ThrowsAsync<LlmProviderException>(() => Poll.CompletesAsync(task));

        Assert.Equal((LlmFailureKind.BadRequest, "hedge"), (ex.Kind, ex.Provider));
        Assert.Equal([("primary", LlmAttemptDecision.Surfaced), ("hedge", LlmAttemptDecision.Surfaced)], ex.Attempts.Select(a => (a.Provider, a.Decision)));
        Assert.Equal((0, 0), (primary.InFlight, hedge.InFlight));
    }

    [Fact]
    public async Task GetStreamingResponseAsync_BothFailBeforeTheirFirstToken_TheLastFailureIsJudgedByTheLoopAndTheRequestIsExhausted()
    {
        var f = new FallbackFixture();
        var primary = f.Provider("primary", f.Always(Script.Status(503).Delayed(TimeSpan.FromSeconds(3))), o => o.Resilience.MaxRetries = 0);
        var hedge = f.Provider("hedge", f.Always(Script.Status(503).Delayed(TimeSpan.FromSeconds(2))), o => o.Resilience.MaxRetries = 0);
        var client = f.Client([primary, hedge], Hedging());

        var stream = new StreamResult().ReadAsync(client.GetStreamingResponseAsync(Hello, null, FallbackFixture.Ct));
        for (var i = 0; i < 10 && !stream.IsCompleted; i++)
        {
            await Poll.SettleAsync();
            f.Advance(TimeSpan.FromSeconds(1));
        }

        var result = await Poll.CompletesAsync(stream);
        var ex = Assert.IsType<LlmFallbackExhaustedException>(result.Error);
        Assert.Equal([("primary", LlmAttemptDecision.FailedOver), ("hedge", LlmAttemptDecision.Surfaced)], ex.Attempts.Select(a => (a.Provider, a.Decision)));
        Assert.Equal((1, 1), (primary.Breaker.ConsecutiveFailures, hedge.Breaker.ConsecutiveFailures));
    }
}
