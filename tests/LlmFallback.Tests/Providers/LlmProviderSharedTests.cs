using Microsoft.Extensions.Time.Testing;
using NSubstitute;

namespace LlmFallback.Tests.Providers;

/// <summary>The seam through which cool-downs and breaker openings are shared between instances (LlmProvider.Shared.cs).</summary>
public class LlmProviderSharedTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 5, 1, 8, 0, 0, TimeSpan.Zero));
    private readonly RecordingStore _store = new();

    [Fact]
    public void CoolDown_WithStore_CoolsDownLocallyAndTellsTheStoreTheWallDeadline()
    {
        var provider = Create();

        provider.CoolDown(_time.GetTimestamp(), TimeSpan.FromSeconds(20));

        Assert.True(provider.GetHealth().IsCoolingDown);
        Assert.Equal([("cooldown", "p", _time.GetUtcNow().AddSeconds(20))], _store.Calls);
    }

    [Fact]
    public void CoolDown_WithoutStore_StaysLocal()
    {
        var provider = new LlmProvider("p", Substitute.For<IChatClient>(), timeProvider: _time);

        provider.CoolDown(_time.GetTimestamp(), TimeSpan.FromSeconds(20));

        Assert.Equal(_time.GetUtcNow().AddSeconds(20), provider.GetHealth().AvailableAt);
    }

    [Fact]
    public void BreakerOpening_Local_IsSharedWithItsBreakEnd()
    {
        var provider = Create();

        provider.Breaker.Isolate(_time.GetTimestamp(), TimeSpan.Zero, LlmFailureKind.Authentication);

        Assert.Equal([("open", "p", _time.GetUtcNow().AddSeconds(15))], _store.Calls);
    }

    [Fact]
    public void ApplySharedOpening_FromAnotherInstance_OpensUntilThenAndIsNotSharedBack()
    {
        var provider = Create();

        provider.ApplySharedOpening(_time.GetUtcNow().AddSeconds(40), LlmFailureKind.ServerError);

        var health = provider.GetHealth();
        Assert.Equal(LlmCircuitState.Open, health.State);
        Assert.Equal(_time.GetUtcNow().AddSeconds(40), health.AvailableAt);
        Assert.Empty(_store.Calls);
    }

    [Fact]
    public void ApplySharedCooldown_FromAnotherInstance_CoolsDownAndIsNotSharedBack()
    {
        var provider = Create();

        provider.ApplySharedCooldown(_time.GetUtcNow().AddSeconds(8));

        Assert.Equal(_time.GetUtcNow().AddSeconds(8), provider.GetHealth().AvailableAt);
        Assert.Empty(_store.Calls);
    }

    [Fact]
    public void ApplyShared_DeadlineBeyondADay_IsHeldToOneDay()
    {
        // No instance publishes more than a day (the longest Retry-After honoured); a corrupt or hostile message asking
        // for the end of time must neither disable the provider for good nor wrap the clock arithmetic.
        var provider = Create();

        provider.ApplySharedCooldown(DateTimeOffset.MaxValue);
        provider.ApplySharedOpening(DateTimeOffset.MaxValue, LlmFailureKind.ServerError);

        Assert.Equal(_time.GetUtcNow().AddDays(1), provider.GetHealth().AvailableAt);
        _time.Advance(TimeSpan.FromDays(1));
        Assert.True(provider.TryAcquire(provider.Clock.Now, out var permit, out _));
        provider.Succeed(ref permit);
        Assert.Equal(LlmCircuitState.Closed, provider.GetHealth().State);
    }

    [Fact]
    public void ApplyShared_DeadlineInThePast_ChangesNothing()
    {
        var provider = Create();

        provider.ApplySharedCooldown(_time.GetUtcNow().AddSeconds(-1));
        provider.ApplySharedOpening(_time.GetUtcNow(), null);

        var health = provider.GetHealth();
        Assert.True(health.IsAvailable);
        Assert.Equal(LlmCircuitState.Closed, health.State);
    }

    [Fact]
    public void ApplySharedOpening_BreakerDisabled_StaysClosed()
    {
        var provider = new LlmProvider("p", Substitute.For<IChatClient>(), new LlmProviderOptions { Resilience = { CircuitBreaker = { Enabled = false } } }, timeProvider: _time);

        provider.ApplySharedOpening(_time.GetUtcNow().AddSeconds(40), null);

        Assert.Equal(LlmCircuitState.Closed, provider.GetHealth().State);
    }

    private LlmProvider Create() => new("p", Substitute.For<IChatClient>(), timeProvider: _time) { SharedHealth = _store };

    private sealed class RecordingStore : ISharedHealthStore
    {
        public List<(string Kind, string Name, DateTimeOffset Until)> Calls { get; } = [];

        public bool IsDegraded => false;

        public void Attach(IReadOnlyList<LlmProvider> providers)
        {
        }

        public void CooldownStarted(LlmProvider provider, DateTimeOffset until) => Calls.Add(("cooldown", provider.UpstreamName, until));

        public void BreakerOpened(LlmProvider provider, DateTimeOffset until, LlmFailureKind? cause) => Calls.Add(("open", provider.Name, until));
    }
}
