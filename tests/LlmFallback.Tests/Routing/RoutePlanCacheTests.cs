using LlmFallback.Tests.Fallback;

namespace LlmFallback.Tests.Routing;

public sealed class RoutePlanCacheTests
{
    [Fact]
    public void PlanOrder_PackAndRead_RoundTripsFifteenIndexes()
    {
        int[] order = [14, 0, 7, 3, 2, 1, 5, 6, 4, 8, 9, 10, 11, 13, 12];

        var packed = PlanOrder.Pack(order);

        Assert.Equal(15, PlanOrder.Count(packed));
        Assert.Equal(order, Enumerable.Range(0, 15).Select(i => PlanOrder.At(packed, i)));
        Assert.Equal(0, PlanOrder.Count(PlanOrder.Pack([])));
    }

    [Fact]
    public void Get_SameOrder_SamePlanReusedAndANewStagePlanRebuildsIt()
    {
        var f = new FallbackFixture();
        LlmProvider[] deployments = [f.Provider("a", new TestChatClient()), f.Provider("b", new TestChatClient())];
        var cache = new RoutePlanCache(deployments);
        var stage = FallbackPlan.Create([deployments[0]], new FallbackOptions(), f.Time, "Llm:Fallback", "options");
        var reloaded = FallbackPlan.Create([deployments[0]], new FallbackOptions { MaxAttemptsPerRequest = 2 }, f.Time, "Llm:Fallback", "options");

        var ba = cache.Get(stage, PlanOrder.Pack([1, 0]));

        Assert.Same(ba, cache.Get(stage, PlanOrder.Pack([1, 0])));
        Assert.Equal(["b", "a"], ba.Providers.Select(p => p.Name));
        Assert.Equal(["a"], cache.Get(stage, PlanOrder.Pack([0])).Providers.Select(p => p.Name));
        var after = cache.Get(reloaded, PlanOrder.Pack([1, 0]));
        Assert.NotSame(ba, after);
        Assert.Equal(2, after.MaxAttempts);
    }

    [Fact]
    public void Get_DeploymentOnAnotherClock_InvalidOperationExceptionNamingIt()
    {
        var f = new FallbackFixture();
        var stage = FallbackPlan.Create([f.Provider("a", new TestChatClient())], new FallbackOptions(), f.Time, "Llm:Fallback", "options");
        var cache = new RoutePlanCache([new LlmProvider("elsewhere", new TestChatClient())]);

        var ex = Assert.Throws<InvalidOperationException>(() => cache.Get(stage, PlanOrder.Pack([0])));

        Assert.StartsWith("Provider 'elsewhere' of a route uses a different TimeProvider", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LlmRouteDecision_ToString_NamesRouteReasonAndDetail()
    {
        Assert.Equal("smart (rule: tools)", new LlmRouteDecision("smart", LlmRouteReason.Rule, "tools").ToString());
        Assert.Equal("fast (default)", new LlmRouteDecision("fast", LlmRouteReason.Default, null).ToString());
        Assert.Equal("long (context_window)", new LlmRouteDecision("long", LlmRouteReason.ContextWindow, null).ToString());
    }
}
