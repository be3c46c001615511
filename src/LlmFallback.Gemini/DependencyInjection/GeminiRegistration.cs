using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace LlmFallback.Gemini;

/// <summary>What <c>AddGemini</c> registered once per service collection: the providers it made HTTP clients for.</summary>
internal sealed class GeminiRegistration(IConfiguration? configuration, string configurationPath)
{
    private readonly HashSet<string> _providers = new(StringComparer.OrdinalIgnoreCase);

    public IConfiguration? Configuration { get; } = configuration;

    public string ConfigurationPath { get; } = configurationPath;

    public GeminiCapabilityDefaults Defaults { get; } = new();

    /// <summary>Returns <see langword="true"/> the first time a provider name is seen.</summary>
    public bool Add(string name) => _providers.Add(name);

    public string PathOf(string name) => $"{ConfigurationPath}:Providers:{name}";

    public static bool IsGemini(string? type) =>
        string.Equals(type, Microsoft.Extensions.DependencyInjection.GeminiLlmProvidersBuilderExtensions.ProviderType, StringComparison.OrdinalIgnoreCase);
}
