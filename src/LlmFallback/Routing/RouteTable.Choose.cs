using Microsoft.Extensions.AI;

namespace LlmFallback;

internal sealed partial class RouteTable
{
    /// <summary>
    /// The route the caller named, else the first rule that matches, else the heuristic classifier's; none when the
    /// caller named nothing and neither applies (a custom classifier or the default route decides then). Allocates
    /// nothing.
    /// </summary>
    /// <exception cref="ArgumentException">The caller named a route, alias, model or provider that does not exist.</exception>
    public (CompiledRoute? Route, LlmRouteDecision? Decision) Choose(IReadOnlyList<ChatMessage> messages, ChatOptions? options, ref PromptTokens tokens)
    {
        if (options is not null)
        {
            var named = options.GetRoute() ?? options.ModelId;
            if (named is not null)
            {
                var route = Resolve(named, nameof(options));
                return (route, route.Explicit);
            }
        }

        if (Rules.Length == 0 && Simple is null)
        {
            return default;
        }

        var facts = new RequestFacts(messages, options);
        foreach (var rule in Rules)
        {
            if (rule.Matches(facts, ref tokens))
            {
                return (rule.Route, rule.Decision);
            }
        }

        if (Simple is not null)
        {
            var decision = ComplexityHeuristic.Score(facts) >= Threshold ? Complex! : Simple;
            return (Find(decision.Route), decision);
        }

        return default;
    }

    /// <summary>
    /// The plan of a request on <paramref name="route"/>: the deployments that can hold it (else a context-window
    /// fallback route's), available ones first in the order of the route's strategy, unavailable ones after them.
    /// </summary>
    /// <exception cref="LlmContextWindowExceededException">No deployment of the route or of its fallbacks can hold the request.</exception>
    public RoutedPlan Plan(CompiledRoute route, LlmRouteDecision decision, ChatOptions? options, ref PromptTokens tokens, bool streaming)
    {
        Span<int> order = stackalloc int[PlanOrder.MaxDeployments];
        var largest = (Window: 0, Needed: 0);
        var count = Fit(route, options, ref tokens, order, ref largest);
        if (count == 0)
        {
            foreach (var fallback in route.ContextFallbacks)
            {
                count = Fit(fallback, options, ref tokens, order, ref largest);
                if (count > 0)
                {
                    (route, decision) = (fallback, fallback.ContextWindow);
                    break;
                }
            }

            if (count == 0)
            {
                throw new LlmContextWindowExceededException(route.Name, largest.Needed, largest.Window);
            }
        }

        var plan = order[..count];
        Order(route, plan, ref tokens, streaming);
        return new RoutedPlan(route.Plans, PlanOrder.Pack(plan), decision);
    }

    /// <summary>Writes the deployments of <paramref name="route"/> that can hold the request (prompt plus requested output) into <paramref name="order"/>.</summary>
    private int Fit(CompiledRoute route, ChatOptions? options, ref PromptTokens tokens, Span<int> order, ref (int Window, int Needed) largest)
    {
        var count = 0;
        for (var i = 0; i < route.Deployments.Length; i++)
        {
            var caps = route.Deployments[i].Capabilities;
            if (caps.ContextWindow is not { } window)
            {
                order[count++] = i;
                continue;
            }

            var output = options?.MaxOutputTokens ?? caps.MaxOutputTokens ?? DefaultOutputTokens;
            var counter = route.Counters[i];
            if ((long)tokens.UpperBound(counter) + output <= window)
            {
                order[count++] = i;
                continue;
            }

            // In 64 bits: a requested output near int.MaxValue wrapped the sum negative, which fit every window.
            var needed = (long)tokens.Count(counter) + output;
            if (needed <= window)
            {
                order[count++] = i;
                continue;
            }

            if (window > largest.Window)
            {
                largest = (window, (int)Math.Min(needed, int.MaxValue));
            }
        }

        return count;
    }
}
