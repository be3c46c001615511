using Microsoft.Extensions.Configuration;

namespace LlmFallback;

/// <summary>
/// Binds <c>Llm:Routes</c> by hand, because a route may be written as a plain list of provider names
/// (<c>"fast": ["local", "openai"]</c>) and a deployment as a name or an object. Deployments' per-minute limits are
/// the providers' own (<c>Llm:Providers:&lt;name&gt;:Limits</c>, bound with the provider).
/// </summary>
internal static class RoutesBinder
{
    public static void Bind(IConfiguration llm, RoutingOptions options, string path)
    {
        foreach (var section in llm.GetSection("Routes").GetChildren())
        {
            var route = options.Routes.TryGetValue(section.Key, out var existing) ? existing : options.Routes[section.Key] = new LlmRouteOptions();
            if (IsList(section))
            {
                route.Deployments = Deployments(section);
                continue;
            }

            if (section.GetSection("Deployments").Exists())
            {
                route.Deployments = Deployments(section.GetSection("Deployments"));
            }

            if (section["Strategy"] is { } strategy)
            {
                route.Strategy = Enum.TryParse<LlmRoutingStrategy>(strategy, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed)
                    ? parsed
                    : throw new InvalidOperationException($"{path}:Routes:{section.Key}:Strategy has an unknown value '{strategy}'; expected one of: {string.Join(", ", Enum.GetNames<LlmRoutingStrategy>())}.");
            }

            route.Aliases = Strings(section.GetSection("Aliases"), route.Aliases);
            route.Examples = Strings(section.GetSection("Examples"), route.Examples);
            route.ContextWindowFallbacks = Strings(section.GetSection("ContextWindowFallbacks"), route.ContextWindowFallbacks);
            route.Description = section["Description"] ?? route.Description;
        }
    }

    private static List<LlmRouteDeployment> Deployments(IConfigurationSection list)
    {
        var deployments = new List<LlmRouteDeployment>();
        foreach (var item in list.GetChildren().OrderBy(static c => int.TryParse(c.Key, out var i) ? i : int.MaxValue))
        {
            if (item.Value is { } name)
            {
                deployments.Add(new LlmRouteDeployment { Provider = name });
            }
            else
            {
                var deployment = new LlmRouteDeployment();
                item.Bind(deployment);
                deployments.Add(deployment);
            }
        }

        return deployments;
    }

    private static bool IsList(IConfigurationSection section)
    {
        var any = false;
        foreach (var child in section.GetChildren())
        {
            if (!int.TryParse(child.Key, out _))
            {
                return false;
            }

            any = true;
        }

        return any;
    }

    private static IList<string> Strings(IConfigurationSection section, IList<string> current) =>
        section.Exists() ? [.. section.GetChildren().Select(static c => c.Value).OfType<string>()] : current;
}
