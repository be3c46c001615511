using Microsoft.Extensions.Configuration;

/// <summary>
/// The <c>Llm</c> section this run uses: appsettings.json's, keeping only the providers this run has (in the order of
/// <c>Llm:Fallback:Chain</c>) plus this run's own settings. A provider listed in configuration must be usable at start
/// (its key is validated then), so the ones without a key are left out rather than failing the start.
/// </summary>
internal static class LlmSettings
{
    /// <summary>The providers named in <c>Llm:Fallback:Chain</c>, in order.</summary>
    public static List<string> Chain(IConfiguration configuration)
    {
        var chain = new List<string>();
        foreach (var entry in configuration.GetSection("Llm:Fallback:Chain").GetChildren())
        {
            if (!string.IsNullOrWhiteSpace(entry.Value))
            {
                chain.Add(entry.Value);
            }
        }

        return chain;
    }

    /// <summary>Builds the <c>Llm</c> section with only <paramref name="providers"/>, which become the chain.</summary>
    public static IConfigurationSection Select(IConfiguration configuration, IReadOnlyList<string> providers, IReadOnlyDictionary<string, string?> extra)
    {
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in configuration.GetSection("Llm").AsEnumerable())
        {
            if (value is null || IsChainEntry(key) || IsOtherProvider(key, providers))
            {
                continue;
            }

            values[key] = value;
        }

        for (var i = 0; i < providers.Count; i++)
        {
            values[$"Llm:Fallback:Chain:{i}"] = providers[i];
        }

        foreach (var (key, value) in extra)
        {
            values[key] = value;
        }

        return new ConfigurationBuilder().AddInMemoryCollection(values).Build().GetSection("Llm");
    }

    private static bool IsChainEntry(string key) => key.StartsWith("Llm:Fallback:Chain:", StringComparison.OrdinalIgnoreCase);

    private static bool IsOtherProvider(string key, IReadOnlyList<string> providers)
    {
        const string Prefix = "Llm:Providers:";
        if (!key.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var name = key.AsSpan(Prefix.Length);
        var end = name.IndexOf(':');
        name = end < 0 ? name : name[..end];
        foreach (var provider in providers)
        {
            if (name.Equals(provider, StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }
        }

        return true;
    }
}
