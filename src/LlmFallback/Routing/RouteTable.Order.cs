namespace LlmFallback;

internal sealed partial class RouteTable
{
    /// <summary>
    /// Orders a plan in place: deployments available now first (by priority tier, each tier by the route's strategy),
    /// then those that are not (open breaker, cool-down), which stay in the plan so the fallback stage can wait for
    /// them.
    /// </summary>
    private void Order(CompiledRoute route, Span<int> plan, ref PromptTokens tokens, bool streaming)
    {
        var now = Clock.Now;
        Span<int> unavailable = stackalloc int[plan.Length];
        int available = 0, waiting = 0;
        for (var i = 0; i < plan.Length; i++)
        {
            if (route.Deployments[plan[i]].IsAvailable(now))
            {
                plan[available++] = plan[i];
            }
            else
            {
                unavailable[waiting++] = plan[i];
            }
        }

        unavailable[..waiting].CopyTo(plan[available..]);
        if (!route.HasTiers)
        {
            Apply(route, plan[..available], ref tokens, streaming);
            return;
        }

        SortByPriority(route, plan[..available]);
        SortByPriority(route, plan[available..]);
        for (var start = 0; start < available;)
        {
            var end = start + 1;
            while (end < available && route.Priorities[plan[end]] == route.Priorities[plan[start]])
            {
                end++;
            }

            Apply(route, plan[start..end], ref tokens, streaming);
            start = end;
        }
    }

    private void Apply(CompiledRoute route, Span<int> tier, ref PromptTokens tokens, bool streaming)
    {
        if (tier.Length < 2 && route.Strategy != LlmRoutingStrategy.UsageAware)
        {
            return;
        }

        switch (route.Strategy)
        {
            case LlmRoutingStrategy.WeightedRandom:
                RouteStrategies.WeightedRandom(route, tier, Random);
                break;
            case LlmRoutingStrategy.RoundRobin:
                RouteStrategies.Rotate(tier, route.NextRoundRobin() % tier.Length);
                break;
            case LlmRoutingStrategy.LeastInFlight:
                RouteStrategies.LeastInFlight(route, tier, Random);
                break;
            case LlmRoutingStrategy.LatencyBased:
                RouteStrategies.Latency(route, tier, streaming, Random);
                break;
            case LlmRoutingStrategy.CostBased:
                RouteStrategies.Cost(route, tier, tokens.Estimate(), DefaultOutputTokens);
                break;
            case LlmRoutingStrategy.UsageAware:
                RouteStrategies.Usage(route, tier, Clock.Now, tokens.Estimate());
                break;
        }
    }

    private static void SortByPriority(CompiledRoute route, Span<int> plan)
    {
        Span<double> keys = stackalloc double[plan.Length];
        for (var i = 0; i < plan.Length; i++)
        {
            keys[i] = route.Priorities[plan[i]];
        }

        RouteStrategies.SortBy(plan, keys);
    }
}
