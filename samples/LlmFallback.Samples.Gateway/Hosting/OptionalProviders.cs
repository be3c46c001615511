using System.Globalization;

namespace LlmFallback.Samples.Gateway.Hosting;

/// <summary>
/// Cloud providers that join only when their key is there. Each <c>Gateway:OptionalProviders:&lt;name&gt;</c> names
/// the variable that must be set (<c>WhenSet</c>, e.g. <c>OPENAI_API_KEY</c>), the provider's own settings
/// (<c>Provider</c>, as under <c>Llm:Providers</c>) and the routes it joins (<c>Routes</c>). When the variable is set,
/// the provider is added to <c>Llm:Providers</c>, appended to <c>Llm:Fallback:Chain</c> and to each route's
/// deployments; when it is not, nothing mentions it, so the gateway starts with the local server alone.
/// </summary>
internal static class OptionalProviders
{
    /// <summary>Adds a configuration layer holding the providers whose variable is set; returns their names.</summary>
    public static List<(string Name, string Variable)> Apply(IConfigurationBuilder builder, IConfiguration configuration)
    {
        var overlay = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        var added = new List<(string Name, string Variable)>();
        var chain = configuration.GetSection("Llm:Fallback:Chain").GetChildren().Count();
        var routeCounts = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        foreach (var optional in configuration.GetSection("Gateway:OptionalProviders").GetChildren())
        {
            var variable = optional["WhenSet"];
            if (string.IsNullOrEmpty(variable) || string.IsNullOrEmpty(configuration[variable]))
            {
                continue;
            }

            var name = optional.Key;
            foreach (var (key, value) in optional.GetSection("Provider").AsEnumerable(makePathsRelative: true))
            {
                if (value is not null)
                {
                    overlay[$"Llm:Providers:{name}:{key}"] = value;
                }
            }

            overlay[$"Llm:Fallback:Chain:{Index(chain++)}"] = name;
            foreach (var route in optional.GetSection("Routes").GetChildren())
            {
                if (route.Value is { } routeName)
                {
                    var deployments = DeploymentsPath(configuration, routeName);
                    var next = routeCounts.TryGetValue(deployments, out var n) ? n : configuration.GetSection(deployments).GetChildren().Count();
                    overlay[$"{deployments}:{Index(next)}"] = name;
                    routeCounts[deployments] = next + 1;
                }
            }

            added.Add((name, variable));
        }

        if (overlay.Count > 0)
        {
            builder.AddInMemoryCollection(overlay);
        }

        return added;
    }

    /// <summary>Without <c>Llm:Fallback:Chain</c>, every configured provider is in the chain, in configuration order.</summary>
    public static void EnsureChain(IConfigurationBuilder builder, IConfiguration configuration)
    {
        if (configuration.GetSection("Llm:Fallback:Chain").GetChildren().Any())
        {
            return;
        }

        var overlay = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var provider in configuration.GetSection("Llm:Providers").GetChildren())
        {
            overlay[$"Llm:Fallback:Chain:{Index(overlay.Count)}"] = provider.Key;
        }

        builder.AddInMemoryCollection(overlay);
    }

    /// <summary>A route written as an object keeps its deployments under <c>Deployments</c>; the short form is the list itself.</summary>
    private static string DeploymentsPath(IConfiguration configuration, string route)
    {
        var section = configuration.GetSection($"Llm:Routes:{route}");
        return section.GetSection("Deployments").Exists() || !section.Exists() || !int.TryParse(section.GetChildren().FirstOrDefault()?.Key, CultureInfo.InvariantCulture, out _)
            ? $"Llm:Routes:{route}:Deployments"
            : $"Llm:Routes:{route}";
    }

    private static string Index(int i) => i.ToString(CultureInfo.InvariantCulture);
}
