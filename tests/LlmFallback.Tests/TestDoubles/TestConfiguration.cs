using Microsoft.Extensions.Configuration;

namespace LlmFallback.Tests;

/// <summary>In-memory configuration for DI tests; <see cref="Set"/> changes a value and raises a reload.</summary>
public sealed class TestConfiguration
{
    public TestConfiguration(params (string Key, string? Value)[] values)
    {
        var data = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in values)
        {
            data[key] = value;
        }

        Root = new ConfigurationBuilder().AddInMemoryCollection(data).Build();
    }

    public IConfigurationRoot Root { get; }

    public IConfigurationSection Llm => Root.GetSection("Llm");

    public void Set(params (string Key, string? Value)[] values)
    {
        foreach (var (key, value) in values)
        {
            Root[key] = value;
        }

        Root.Reload();
    }
}
