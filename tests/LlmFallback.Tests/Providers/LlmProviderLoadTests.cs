using LlmFallback.Tests.Fallback;

namespace LlmFallback.Tests.Providers;

public sealed class LlmProviderLoadTests
{
    [Fact]
    public void InFlight_PermitLifecycle_CountedOnceAndSettledOnce()
    {
        var f = new FallbackFixture();
        var provider = f.Provider("p", new TestChatClient());
        provider.TrackLoad();
        var now = provider.Clock.Now;

        Assert.True(provider.TryAcquire(now, out var answered, out _));
        Assert.True(provider.TryAcquire(now, out var failed, out _));
        Assert.True(provider.TryAcquire(now, out var released, out _));
        Assert.Equal(3, provider.InFlight);

        provider.Succeed(ref answered);
        provider.Succeed(ref answered);
        provider.Fail(ref failed, now, LlmFailureKind.ServerError, LlmProvider.HealthVerdict.Failure);
        Assert.Equal(1, provider.InFlight);
        provider.Release(ref released);
        provider.Release(ref released);

        Assert.Equal(0, provider.InFlight);
    }

    [Fact]
    public void InFlight_NotTracked_NothingCountedAndPermitsTakenBeforeTrackingNeverUncounted()
    {
        var f = new FallbackFixture();
        var provider = f.Provider("p", new TestChatClient());
        var now = provider.Clock.Now;
        Assert.True(provider.TryAcquire(now, out var before, out _));
        Assert.Equal(0, provider.InFlight);

        provider.TrackLoad();
        Assert.True(provider.TryAcquire(now, out var after, out _));
        provider.Succeed(ref before);

        Assert.Equal(1, provider.InFlight);
        provider.Succeed(ref after);
        Assert.Equal(0, provider.InFlight);
    }

    [Fact]
    public async Task Fallback_CallsThroughTheStage_InFlightWhileRunningAndZeroAfter()
    {
        var f = new FallbackFixture();
        var gate = new TaskCompletionSource<ChatResponse>(TaskCreationOptions.RunContinuationsAsynchronously);
        var provider = f.Provider("p", new TestChatClient { OnGetResponse = (_, _, _) => gate.Task });
        provider.TrackLoad();
        var client = f.Client([provider]);

        var call = client.GetResponseAsync([new(ChatRole.User, "hi")], null, FallbackFixture.Ct);
        Assert.Equal(1, provider.InFlight);
        gate.SetResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "ok")));
        await Poll.CompletesAsync(call);

        Assert.Equal(0, provider.InFlight);
        Assert.Equal(1, provider.Latency!.Count);
    }

    [Fact]
    public void IsAvailable_CoolingDownOrOpen_FalseUntilItEnds()
    {
        var f = new FallbackFixture();
        var provider = f.Provider("p", new TestChatClient());
        var now = provider.Clock.Now;
        Assert.True(provider.IsAvailable(now));

        provider.Upstream.CoolDownUntil(now + provider.Clock.ToTimestamps(TimeSpan.FromSeconds(5)));
        Assert.False(provider.IsAvailable(now));
        f.Advance(TimeSpan.FromSeconds(5));
        Assert.True(provider.IsAvailable(provider.Clock.Now));

        provider.Breaker.Isolate(provider.Clock.Now, TimeSpan.FromMinutes(5), LlmFailureKind.Authentication);
        Assert.False(provider.IsAvailable(provider.Clock.Now));
        f.Advance(TimeSpan.FromMinutes(5));
        Assert.True(provider.IsAvailable(provider.Clock.Now));
    }
}
