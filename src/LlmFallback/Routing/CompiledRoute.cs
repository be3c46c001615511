using System.Buffers;

namespace LlmFallback;

/// <summary>A route ready to serve: its providers resolved, its decisions made once, its plans cached.</summary>
internal sealed class CompiledRoute
{
    private int _next;

    public CompiledRoute(string name, LlmProvider[] deployments, int[] weights, int[] priorities, LlmRoutingStrategy strategy)
    {
        Name = name;
        Deployments = deployments;
        Weights = weights;
        Priorities = priorities;
        Strategy = strategy;
        Plans = new RoutePlanCache(deployments);
        Counters = [.. deployments.Select(static p => LlmTokenCounter.ForModel(p.Model))];
        Explicit = new LlmRouteDecision(name, LlmRouteReason.Explicit, null);
        Default = new LlmRouteDecision(name, LlmRouteReason.Default, null);
        ContextWindow = new LlmRouteDecision(name, LlmRouteReason.ContextWindow, null);
        foreach (var p in priorities)
        {
            HasTiers |= p != priorities[0];
        }

        if (strategy is LlmRoutingStrategy.LeastInFlight or LlmRoutingStrategy.LatencyBased)
        {
            foreach (var p in deployments)
            {
                p.TrackLoad();
            }
        }
    }

    public string Name { get; }

    public LlmProvider[] Deployments { get; }

    public int[] Weights { get; }

    /// <summary>Gets each deployment's token counter (its model's tokenizer, or the documented approximation).</summary>
    public LlmTokenCounter[] Counters { get; }

    public int[] Priorities { get; }

    public bool HasTiers { get; }

    public LlmRoutingStrategy Strategy { get; }

    public RoutePlanCache Plans { get; }

    public LlmRouteDecision Explicit { get; }

    public LlmRouteDecision Default { get; }

    public LlmRouteDecision ContextWindow { get; }

    /// <summary>Gets or sets the routes tried when none of this route's deployments can hold a request.</summary>
    public CompiledRoute[] ContextFallbacks { get; set; } = [];

    /// <summary>The next round-robin start.</summary>
    public int NextRoundRobin() => Interlocked.Increment(ref _next) & int.MaxValue;
}

/// <summary>A routing rule ready to match: its route resolved and its keywords in a vectorised searcher.</summary>
internal sealed class CompiledRule(LlmRoutingRule rule, CompiledRoute route, string name)
{
    private readonly KeyValuePair<string, string>[] _metadata = [.. rule.Metadata];
    private readonly SearchValues<string>? _keywords = rule.Keywords.Count == 0 ? null : SearchValues.Create([.. rule.Keywords], StringComparison.OrdinalIgnoreCase);
    private readonly bool? _tools = rule.HasTools;
    private readonly bool? _images = rule.HasImages;
    private readonly int? _min = rule.MinPromptTokens;
    private readonly int? _max = rule.MaxPromptTokens;

    public CompiledRoute Route { get; } = route;

    public LlmRouteDecision Decision { get; } = new(route.Name, LlmRouteReason.Rule, name);

    /// <summary>Whether the request meets every condition, cheapest first; tokens are counted only for a threshold the byte bound cannot settle.</summary>
    public bool Matches(in RequestFacts facts, ref PromptTokens tokens)
    {
        if (_tools is { } tools && tools != facts.HasTools)
        {
            return false;
        }

        if (_images is { } images && images != facts.HasImages)
        {
            return false;
        }

        for (var i = 0; i < _metadata.Length; i++)
        {
            if (facts.Properties is null || !facts.Properties.TryGetValue(_metadata[i].Key, out var value)
                || value is not string s || !string.Equals(s, _metadata[i].Value, StringComparison.Ordinal))
            {
                return false;
            }
        }

        if (_keywords is not null && (facts.LastUserText is null || !RequestFacts.Contains(facts.LastUserText, _keywords)))
        {
            return false;
        }

        if (_min is { } min && !tokens.IsAtLeast(min))
        {
            return false;
        }

        // No count exceeds int.MaxValue (and max + 1 would wrap to int.MinValue, which every request is at least).
        return _max is not { } max || max == int.MaxValue || !tokens.IsAtLeast(max + 1);
    }
}
