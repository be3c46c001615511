using System.Globalization;

namespace LlmFallback;

/// <summary>Checks routing options against the registered providers; every message names the configuration key.</summary>
internal static class RoutingValidation
{
    /// <summary>Validates <paramref name="options"/>; <paramref name="root"/> is the LLM section's path (routes at <c>root:Routes</c>, the rest at <c>root:Routing</c>).</summary>
    public static void Validate(RoutingOptions options, IReadOnlySet<string> providers, string root, List<string> errors)
    {
        var routesKey = $"{root}:Routes";
        var key = $"{root}:Routing";
        var names = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, route) in options.Routes)
        {
            var r = $"{routesKey}:{name}";
            if (string.IsNullOrWhiteSpace(name))
            {
                errors.Add($"{routesKey} has a route without a name.");
                continue;
            }

            names[name] = name;
            if (route is null)
            {
                errors.Add($"{r} must not be null.");
                continue;
            }

            ValidateDeployments(route, r, providers, errors);
            LlmOptionsValidation.Defined(route.Strategy, $"{r}:Strategy", errors);
        }

        foreach (var (name, route) in options.Routes)
        {
            for (var i = 0; route?.Aliases is { } aliases && i < aliases.Count; i++)
            {
                var alias = aliases[i];
                var aliasKey = $"{routesKey}:{name}:Aliases:{I(i)}";
                if (string.IsNullOrWhiteSpace(alias))
                {
                    errors.Add($"{aliasKey} must name the alias.");
                }
                else if (names.TryGetValue(alias, out var owner))
                {
                    errors.Add($"{aliasKey} '{alias}' is already {(string.Equals(owner, alias, StringComparison.OrdinalIgnoreCase) ? "a route" : $"an alias of route '{owner}'")}; every route and alias name must be unique.");
                }
                else
                {
                    names[alias] = name;
                }
            }
        }

        foreach (var (name, route) in options.Routes)
        {
            RouteNames(route?.ContextWindowFallbacks, $"{routesKey}:{name}:ContextWindowFallbacks", names, errors);
        }

        RouteNames(options.ContextWindowFallbacks, $"{key}:ContextWindowFallbacks", names, errors);
        if (options.DefaultRoute is { } fallback)
        {
            RouteName(fallback, $"{key}:DefaultRoute", names, errors);
        }

        ValidateRules(options.Rules, $"{key}:Rules", names, errors);
        if (options.Complexity is not { } complexity)
        {
            errors.Add($"{key}:Complexity must not be null.");
        }
        else
        {
            if ((complexity.SimpleRoute is null) != (complexity.ComplexRoute is null))
            {
                errors.Add($"{key}:Complexity needs both SimpleRoute and ComplexRoute, or neither.");
            }

            if (complexity.SimpleRoute is { } simple)
            {
                RouteName(simple, $"{key}:Complexity:SimpleRoute", names, errors);
            }

            if (complexity.ComplexRoute is { } complex)
            {
                RouteName(complex, $"{key}:Complexity:ComplexRoute", names, errors);
            }

            LlmOptionsValidation.Between(complexity.Threshold, 0, 1, $"{key}:Complexity:Threshold", errors);
        }

        LlmOptionsValidation.Defined(options.ModelGroupStrategy, $"{key}:ModelGroupStrategy", errors);
        LlmOptionsValidation.Range(options.DefaultOutputTokens, 1, 10_000_000, $"{key}:DefaultOutputTokens", errors);
    }

    private static void ValidateDeployments(LlmRouteOptions route, string r, IReadOnlySet<string> providers, List<string> errors)
    {
        if (route.Deployments is not { Count: > 0 } deployments)
        {
            errors.Add($"{r}:Deployments must name at least one provider.");
            return;
        }

        if (deployments.Count > PlanOrder.MaxDeployments)
        {
            errors.Add($"{r}:Deployments has {I(deployments.Count)} deployments; a route holds at most {I(PlanOrder.MaxDeployments)}.");
        }

        for (var i = 0; i < deployments.Count; i++)
        {
            var d = $"{r}:Deployments:{I(i)}";
            if (deployments[i] is not { } deployment || string.IsNullOrWhiteSpace(deployment.Provider))
            {
                errors.Add($"{d} must name a provider.");
                continue;
            }

            if (!providers.Contains(deployment.Provider))
            {
                errors.Add($"{d} names provider '{deployment.Provider}', which is not registered. Registered providers: {(providers.Count == 0 ? "(none)" : string.Join(", ", providers.Order(StringComparer.OrdinalIgnoreCase)))}.");
            }

            for (var j = 0; j < i; j++)
            {
                if (string.Equals(deployments[j]?.Provider, deployment.Provider, StringComparison.OrdinalIgnoreCase))
                {
                    errors.Add($"{d} repeats provider '{deployment.Provider}'; give it a larger Weight instead.");
                    break;
                }
            }

            LlmOptionsValidation.Range(deployment.Weight, 1, 1000, $"{d}:Weight", errors);
        }
    }

    private static void ValidateRules(IList<LlmRoutingRule>? rules, string key, Dictionary<string, string> names, List<string> errors)
    {
        if (rules is null)
        {
            errors.Add($"{key} must not be null.");
            return;
        }

        for (var i = 0; i < rules.Count; i++)
        {
            var r = $"{key}:{I(i)}";
            if (rules[i] is not { } rule)
            {
                errors.Add($"{r} must not be null.");
                continue;
            }

            RouteName(rule.Route, $"{r}:Route", names, errors);
            if (rule.MinPromptTokens is < 0 || rule.MaxPromptTokens is < 0 || rule.MinPromptTokens > rule.MaxPromptTokens)
            {
                errors.Add($"{r}:MinPromptTokens and {r}:MaxPromptTokens must not be negative, and the minimum must not exceed the maximum.");
            }

            for (var k = 0; rule.Keywords is { } keywords && k < keywords.Count; k++)
            {
                if (string.IsNullOrWhiteSpace(keywords[k]))
                {
                    errors.Add($"{r}:Keywords:{I(k)} must not be blank.");
                }
            }
        }
    }

    private static void RouteNames(IList<string>? routes, string key, Dictionary<string, string> names, List<string> errors)
    {
        for (var i = 0; routes is not null && i < routes.Count; i++)
        {
            RouteName(routes[i], $"{key}:{I(i)}", names, errors);
        }
    }

    private static void RouteName(string? route, string key, Dictionary<string, string> names, List<string> errors)
    {
        if (string.IsNullOrWhiteSpace(route))
        {
            errors.Add($"{key} must name a route.");
        }
        else if (!names.ContainsKey(route))
        {
            errors.Add($"{key} names route '{route}', which is not defined. Defined routes and aliases: {(names.Count == 0 ? "(none)" : string.Join(", ", names.Keys.Order(StringComparer.OrdinalIgnoreCase)))}.");
        }
    }

    private static string I(int value) => value.ToString(CultureInfo.InvariantCulture);
}
