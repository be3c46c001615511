namespace LlmFallback.Tests.Routing;

public sealed class RouteStrategiesTests
{
    private const int Draws = 20_000;

    [Fact]
    public void WeightedRandom_WeightsOneAndThree_FirstPickWithinTwoPointsOfQuarterAndThreeQuarters()
    {
        var f = new RoutingFixture();
        f.Add("a");
        f.Add("b");
        var route = RoutingFixture.Route(LlmRoutingStrategy.WeightedRandom, "a", "b");
        route.Deployments[1].Weight = 3;
        var table = f.Table(RoutingFixture.Options(o => o.Routes["r"] = route));

        var firstA = Enumerable.Range(0, Draws).Count(_ => RoutingFixture.Names(RoutingFixture.Plan(table, "r"))[0] == "a");

        Assert.InRange(firstA / (double)Draws, 0.23, 0.27);
    }

    [Fact]
    public void WeightedRandom_EveryPlan_HoldsEveryDeploymentOnce()
    {
        var f = new RoutingFixture();
        f.Add("a");
        f.Add("b");
        f.Add("c");
        var table = f.Table(RoutingFixture.Options(o => o.Routes["r"] = RoutingFixture.Route(LlmRoutingStrategy.WeightedRandom, "a", "b", "c")));

        for (var i = 0; i < 100; i++)
        {
            Assert.Equal(["a", "b", "c"], RoutingFixture.Names(RoutingFixture.Plan(table, "r")).Order());
        }
    }

    [Fact]
    public void RoundRobin_ThreeDeployments_EachRequestStartsAtTheNext()
    {
        var f = new RoutingFixture();
        f.Add("a");
        f.Add("b");
        f.Add("c");
        var table = f.Table(RoutingFixture.Options(o => o.Routes["r"] = RoutingFixture.Route(LlmRoutingStrategy.RoundRobin, "a", "b", "c")));

        var plans = Enumerable.Range(0, 4).Select(_ => string.Join(",", RoutingFixture.Names(RoutingFixture.Plan(table, "r")))).ToList();

        Assert.Equal(["b,c,a", "c,a,b", "a,b,c", "b,c,a"], plans);
    }

    [Fact]
    public void LeastInFlight_OneBusyDeployment_IdleOnesFirstAndTiesSpreadEvenly()
    {
        var f = new RoutingFixture();
        f.Add("a");
        f.Add("b");
        f.Add("c");
        var table = f.Table(RoutingFixture.Options(o => o.Routes["r"] = RoutingFixture.Route(LlmRoutingStrategy.LeastInFlight, "a", "b", "c")));
        Assert.True(f["a"].TryAcquire(f["a"].Clock.Now, out var permit, out _));

        var plans = Enumerable.Range(0, Draws).Select(_ => RoutingFixture.Names(RoutingFixture.Plan(table, "r"))).ToList();

        Assert.Equal(1, f["a"].InFlight);
        Assert.All(plans, p => Assert.Equal("a", p[2]));
        Assert.InRange(plans.Count(p => p[0] == "b") / (double)Draws, 0.47, 0.53);
        f["a"].Release(ref permit);
        Assert.Equal(0, f["a"].InFlight);
    }

    [Fact]
    public void LatencyBased_AveragesOf100And200And300Ms_PowerOfTwoChoicesFirstPickShares()
    {
        var f = new RoutingFixture();
        f.Add("a");
        f.Add("b");
        f.Add("c");
        var table = f.Table(RoutingFixture.Options(o => o.Routes["r"] = RoutingFixture.Route(LlmRoutingStrategy.LatencyBased, "a", "b", "c")));
        f["a"].RecordLatency(TimeSpan.FromMilliseconds(100));
        f["b"].RecordLatency(TimeSpan.FromMilliseconds(200));
        f["c"].RecordLatency(TimeSpan.FromMilliseconds(300));

        var plans = Enumerable.Range(0, Draws).Select(_ => RoutingFixture.Names(RoutingFixture.Plan(table, "r"))).ToList();

        // Two of three drawn at random, the faster first: a wins every pair it is in (2/3), b only the pair {b, c} (1/3).
        Assert.InRange(plans.Count(p => p[0] == "a") / (double)Draws, 0.647, 0.687);
        Assert.InRange(plans.Count(p => p[0] == "b") / (double)Draws, 0.313, 0.353);
        Assert.DoesNotContain(plans, p => p[0] == "c");
        Assert.All(plans.Where(p => p[0] == "b"), p => Assert.Equal(["b", "a", "c"], p));
    }

    [Fact]
    public void LatencyBased_Streaming_ComparesTimeToFirstTokenNotDividedByTokens()
    {
        var f = new RoutingFixture();
        f.Add("fast-start");
        f.Add("slow-start");
        var table = f.Table(RoutingFixture.Options(o => o.Routes["r"] = RoutingFixture.Route(LlmRoutingStrategy.LatencyBased, "slow-start", "fast-start")));

        // Whole-call latencies say the opposite: streams must read time to first token only.
        f["fast-start"].RecordLatency(TimeSpan.FromSeconds(30));
        f["slow-start"].RecordLatency(TimeSpan.FromSeconds(1));
        f["fast-start"].RecordFirstToken(TimeSpan.FromMilliseconds(100));
        f["fast-start"].RecordFirstToken(TimeSpan.FromMilliseconds(200));
        f["slow-start"].RecordFirstToken(TimeSpan.FromMilliseconds(900));

        Assert.Equal(120, f["fast-start"].FirstToken!.AverageMilliseconds, precision: 6);
        Assert.All(Enumerable.Range(0, 50), _ => Assert.Equal("fast-start", RoutingFixture.Names(RoutingFixture.Plan(table, "r", streaming: true))[0]));
        Assert.All(Enumerable.Range(0, 50), _ => Assert.Equal("slow-start", RoutingFixture.Names(RoutingFixture.Plan(table, "r", streaming: false))[0]));
    }

    [Fact]
    public void CostBased_Prices_CheapestEstimateFirstAndUnpricedLast()
    {
        var f = new RoutingFixture();
        f.Add("unpriced");
        f.Add("premium", o => o.Pricing = new() { InputPerMillionTokens = 3m, OutputPerMillionTokens = 15m });
        f.Add("cheap-in", o => o.Pricing = new() { InputPerMillionTokens = 0.1m, OutputPerMillionTokens = 8m });
        f.Add("cheap-out", o => o.Pricing = new() { InputPerMillionTokens = 1m, OutputPerMillionTokens = 2m });
        var table = f.Table(RoutingFixture.Options(o => o.Routes["r"] = RoutingFixture.Route(LlmRoutingStrategy.CostBased, "unpriced", "premium", "cheap-in", "cheap-out")));

        // 100 output tokens: cheap-in 0.1p + 800, cheap-out p + 200, premium 3p + 1500 (p = prompt tokens, small here).
        Assert.Equal(["cheap-out", "cheap-in", "premium", "unpriced"], RoutingFixture.Names(RoutingFixture.Plan(table, "r", new ChatOptions { MaxOutputTokens = 100 })));
    }

    [Fact]
    public void UsageAware_RequestsPerMinute_NoDeploymentGoesOverWhileAnotherHasRoomAndTheWindowSlides()
    {
        var f = new RoutingFixture();
        f.Add("a", o => o.Limits.RequestsPerMinute = 2);
        f.Add("b", o => o.Limits.RequestsPerMinute = 4);
        var table = f.Table(RoutingFixture.Options(o => o.Routes["r"] = RoutingFixture.Route(LlmRoutingStrategy.UsageAware, "a", "b")));

        // Each request is counted by the provider that grants it a permit (the same account its limit is enforced on).
        var firsts = Enumerable.Range(0, 6).Select(_ => Send(f[RoutingFixture.Names(RoutingFixture.Plan(table, "r"))[0]])).ToList();

        Assert.Equal(2, firsts.Count(n => n == "a"));
        Assert.Equal(4, firsts.Count(n => n == "b"));
        Assert.Equal(["a", "b"], RoutingFixture.Names(RoutingFixture.Plan(table, "r")).Order());
        f.Fallback.Advance(TimeSpan.FromMinutes(1.1));
        Assert.Equal("b", RoutingFixture.Names(RoutingFixture.Plan(table, "r"))[0]);
    }

    [Fact]
    public void UsageAware_TokensPerMinute_DeploymentAtItsTokenLimitGoesLast()
    {
        var f = new RoutingFixture();
        f.Add("small", o => o.Limits.TokensPerMinute = 10);
        f.Add("big");
        var table = f.Table(RoutingFixture.Options(o => o.Routes["r"] = RoutingFixture.Route(LlmRoutingStrategy.UsageAware, "small", "big")));
        var prompt = new List<ChatMessage> { new(ChatRole.User, new string('x', 400)) };

        Assert.Equal(["big", "small"], RoutingFixture.Names(RoutingFixture.Plan(table, "r", messages: prompt)));
    }

    [Theory]
    [InlineData(LlmRoutingStrategy.Ordered)]
    [InlineData(LlmRoutingStrategy.WeightedRandom)]
    [InlineData(LlmRoutingStrategy.RoundRobin)]
    [InlineData(LlmRoutingStrategy.LeastInFlight)]
    [InlineData(LlmRoutingStrategy.LatencyBased)]
    [InlineData(LlmRoutingStrategy.CostBased)]
    [InlineData(LlmRoutingStrategy.UsageAware)]
    public void EveryStrategy_CoolingDownAndOpenBreaker_OrderedLastButKeptInThePlan(LlmRoutingStrategy strategy)
    {
        var f = new RoutingFixture();
        f.Add("cooling");
        f.Add("open");
        f.Add("healthy");
        var table = f.Table(RoutingFixture.Options(o => o.Routes["r"] = RoutingFixture.Route(strategy, "cooling", "open", "healthy")));
        var now = f["cooling"].Clock.Now;
        f["cooling"].Upstream.CoolDownUntil(now + f["cooling"].Clock.ToTimestamps(TimeSpan.FromSeconds(30)));
        f["open"].Breaker.Isolate(now, TimeSpan.FromSeconds(30), LlmFailureKind.Authentication);

        for (var i = 0; i < 20; i++)
        {
            var plan = RoutingFixture.Names(RoutingFixture.Plan(table, "r"));
            Assert.Equal("healthy", plan[0]);
            Assert.Equal(["cooling", "open"], plan[1..]);
        }

        f.Fallback.Advance(TimeSpan.FromSeconds(31));
        Assert.Equal(3, RoutingFixture.Names(RoutingFixture.Plan(table, "r")).Length);
        Assert.True(f["open"].IsAvailable(f["open"].Clock.Now));
    }

    [Fact]
    public void Priority_TwoTiers_LowerTierFirstAndStrategyWithinEachTier()
    {
        var f = new RoutingFixture();
        f.Add("east");
        f.Add("west");
        f.Add("backup");
        var route = RoutingFixture.Route(LlmRoutingStrategy.RoundRobin, "backup", "east", "west");
        route.Deployments[0].Priority = 1;
        var table = f.Table(RoutingFixture.Options(o => o.Routes["r"] = route));

        var plans = Enumerable.Range(0, 2).Select(_ => string.Join(",", RoutingFixture.Names(RoutingFixture.Plan(table, "r")))).ToList();

        Assert.Equal(["west,east,backup", "east,west,backup"], plans);
    }

    private static string Send(LlmProvider provider)
    {
        var now = provider.Clock.Now;
        Assert.True(provider.TryAcquire(now, out var permit, out _));
        provider.Succeed(ref permit);
        return provider.Name;
    }
}
