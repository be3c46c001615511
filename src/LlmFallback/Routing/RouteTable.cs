namespace LlmFallback;

/// <summary>
/// Every name a request may use (routes, their aliases, the models and the names of routed or registered providers)
/// resolved once at start to a compiled route, with the rules, the classifier routes and the default route.
/// </summary>
internal sealed partial class RouteTable
{
    private readonly Dictionary<string, CompiledRoute> _byName = new(StringComparer.OrdinalIgnoreCase);
    private readonly string _known;

    /// <summary>Builds the table; throws <see cref="ArgumentException"/> naming every invalid key.</summary>
    public RouteTable(RoutingOptions options, IReadOnlyList<LlmProvider> providers, TimeProvider timeProvider, string configurationPath, string paramName)
    {
        var errors = new List<string>();
        RoutingValidation.Validate(options, Names(providers), configurationPath, errors);
        LlmOptionsValidation.ThrowIfAny(errors, paramName);

        var byProvider = new Dictionary<string, LlmProvider>(StringComparer.OrdinalIgnoreCase);
        foreach (var p in providers)
        {
            byProvider.TryAdd(p.Name, p);
        }

        // Least precedence first: a provider's name pins it, a model names the group of providers serving it, and a
        // route's name or alias wins over both.
        foreach (var p in providers)
        {
            _byName[p.Name] = new CompiledRoute(p.Name, [p], [1], [0], LlmRoutingStrategy.Ordered);
        }

        foreach (var group in ModelGroups(providers))
        {
            _byName[group.Key] = new CompiledRoute(group.Key, [.. group.Value], [.. group.Value.Select(static _ => 1)], new int[group.Value.Count], options.ModelGroupStrategy);
        }

        var routes = new Dictionary<string, CompiledRoute>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, route) in options.Routes)
        {
            var deployments = new LlmProvider[route.Deployments.Count];
            var weights = new int[deployments.Length];
            var priorities = new int[deployments.Length];
            for (var i = 0; i < deployments.Length; i++)
            {
                deployments[i] = byProvider[route.Deployments[i].Provider];
                weights[i] = route.Deployments[i].Weight;
                priorities[i] = route.Deployments[i].Priority;
            }

            routes[name] = new CompiledRoute(name, deployments, weights, priorities, route.Strategy);
        }

        foreach (var (name, route) in options.Routes)
        {
            foreach (var alias in route.Aliases)
            {
                _byName[alias] = routes[name];
            }
        }

        foreach (var (name, compiled) in routes)
        {
            _byName[name] = compiled;
        }

        foreach (var (name, route) in options.Routes)
        {
            var fallbacks = route.ContextWindowFallbacks.Count > 0 ? route.ContextWindowFallbacks : options.ContextWindowFallbacks;
            routes[name].ContextFallbacks = [.. fallbacks.Where(f => !string.Equals(f, name, StringComparison.OrdinalIgnoreCase)).Select(f => _byName[f])];
        }

        var rules = new CompiledRule[options.Rules.Count];
        for (var i = 0; i < rules.Length; i++)
        {
            var rule = options.Rules[i];
            rules[i] = new CompiledRule(rule, _byName[rule.Route], rule.Name ?? $"rule {i}");
        }

        Rules = rules;
        if (options.Complexity is { SimpleRoute: { } simple, ComplexRoute: { } complex } complexity)
        {
            Simple = new LlmRouteDecision(_byName[simple].Name, LlmRouteReason.Classifier, "simple");
            Complex = new LlmRouteDecision(_byName[complex].Name, LlmRouteReason.Classifier, "complex");
            Threshold = complexity.Threshold;
        }

        Default = options.DefaultRoute is { } fallback ? _byName[fallback] : null;
        DefaultOutputTokens = options.DefaultOutputTokens;
        Clock = LlmClock.For(timeProvider);
        _known = string.Join(", ", options.Routes.Keys.Concat(options.Routes.Values.SelectMany(static r => r.Aliases)).Order(StringComparer.OrdinalIgnoreCase));
        foreach (var p in providers)
        {
            if (p.Limiter is not null)
            {
                p.TrackLoad();
            }
        }
    }

    public CompiledRule[] Rules { get; }

    public LlmRouteDecision? Simple { get; }

    public LlmRouteDecision? Complex { get; }

    public double Threshold { get; }

    public CompiledRoute? Default { get; }

    public int DefaultOutputTokens { get; }

    public LlmClock Clock { get; }

    /// <summary>Gets or sets the source of randomness of the strategies (seeded in tests). Not thread-safe unless <see cref="Random.Shared"/>.</summary>
    public Random Random { get; set; } = Random.Shared;

    /// <summary>Gets the route, alias, model or provider named <paramref name="name"/>.</summary>
    public CompiledRoute? Find(string name) => _byName.TryGetValue(name, out var route) ? route : null;

    /// <summary>The route a name selects; an unknown name is the caller's mistake, named in the exception with the known routes.</summary>
    public CompiledRoute Resolve(string name, string paramName) =>
        Find(name) ?? throw new ArgumentException(
            $"No route, alias, model or provider is named '{name}'. Known routes: {(_known.Length == 0 ? "(none)" : _known)}; a model or provider name selects the providers serving it.",
            paramName);

    private static HashSet<string> Names(IReadOnlyList<LlmProvider> providers)
    {
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var p in providers)
        {
            names.Add(p.Name);
        }

        return names;
    }

    private static Dictionary<string, List<LlmProvider>> ModelGroups(IReadOnlyList<LlmProvider> providers)
    {
        var groups = new Dictionary<string, List<LlmProvider>>(StringComparer.OrdinalIgnoreCase);
        foreach (var p in providers)
        {
            if (p.Model is { } model && PlanOrder.MaxDeployments > (groups.TryGetValue(model, out var list) ? list.Count : 0))
            {
                (list ??= groups[model] = []).Add(p);
            }
        }

        return groups;
    }
}
