using System.Collections.Concurrent;

namespace LlmFallback;

/// <summary>
/// The plan a routing stage chose for one request: a route's deployments in the order its strategy picked (those that
/// cannot take the request left out). Passed to the fallback stage in <see cref="Microsoft.Extensions.AI.ChatOptions.AdditionalProperties"/>
/// under <see cref="Key"/>, on a copy of the caller's options; the fallback stage then walks it instead of its own chain.
/// </summary>
internal sealed class RoutedPlan(RoutePlanCache source, ulong order, LlmRouteDecision decision)
{
    /// <summary>The key of the plan in the request's options.</summary>
    public const string Key = "llmfallback.route_plan";

    public RoutePlanCache Source { get; } = source;

    /// <summary>Gets the order, packed by <see cref="PlanOrder"/>.</summary>
    public ulong Order { get; } = order;

    public LlmRouteDecision Decision { get; } = decision;

    /// <summary>The fallback plan for this order under the stage's current settings (cached per route and order).</summary>
    public FallbackPlan Resolve(FallbackPlan stagePlan) => Source.Get(stagePlan, Order);
}

/// <summary>
/// One route's fallback plans, one per order of its deployments, built on first use and kept while the fallback
/// stage's settings stay the same, so a routed request allocates no plan.
/// </summary>
internal sealed class RoutePlanCache(LlmProvider[] deployments)
{
    /// <summary>More distinct orders than this are built per request rather than cached.</summary>
    internal const int MaxPlans = 4096;

    private Entry? _entry;

    /// <summary>Gets the route's deployments, in configured order (what order indexes point at).</summary>
    public LlmProvider[] Deployments { get; } = deployments;

    public FallbackPlan Get(FallbackPlan stagePlan, ulong order)
    {
        var entry = Volatile.Read(ref _entry);
        if (entry is null || !ReferenceEquals(entry.Stage, stagePlan))
        {
            // The stage reloaded its options (or another stage serves this route): plans are built anew.
            entry = new Entry(stagePlan);
            Volatile.Write(ref _entry, entry);
        }

        if (entry.Plans.TryGetValue(order, out var plan))
        {
            return plan;
        }

        var count = PlanOrder.Count(order);
        var providers = new LlmProvider[count];
        for (var i = 0; i < count; i++)
        {
            providers[i] = Deployments[PlanOrder.At(order, i)];
        }

        plan = stagePlan.Derive(providers);
        if (entry.Plans.Count < MaxPlans)
        {
            entry.Plans.TryAdd(order, plan);
        }

        return plan;
    }

    private sealed class Entry(FallbackPlan stage)
    {
        public FallbackPlan Stage { get; } = stage;

        public ConcurrentDictionary<ulong, FallbackPlan> Plans { get; } = new();
    }
}

/// <summary>An order of at most <see cref="MaxDeployments"/> deployment indexes packed in 64 bits: four bits each, and the count in the top four.</summary>
internal static class PlanOrder
{
    public const int MaxDeployments = 15;

    public static ulong Pack(ReadOnlySpan<int> indexes)
    {
        ulong packed = (ulong)indexes.Length << 60;
        for (var i = 0; i < indexes.Length; i++)
        {
            packed |= (ulong)indexes[i] << (i * 4);
        }

        return packed;
    }

    public static int Count(ulong order) => (int)(order >> 60);

    public static int At(ulong order, int position) => (int)((order >> (position * 4)) & 0xF);
}
