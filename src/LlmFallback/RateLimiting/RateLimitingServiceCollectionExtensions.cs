using LlmFallback;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers rate limiting: the options, the bucket store, and the providers' own limits.</summary>
public static class RateLimitingServiceCollectionExtensions
{
    /// <summary>Registers rate limits configured in code, with the in-memory store unless an <see cref="ILlmRateLimitStore"/> is registered.</summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Sets the limits.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddRateLimiting(this IServiceCollection services, Action<RateLimitingOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        return Add(services, null, configure);
    }

    /// <summary>
    /// Registers rate limits bound from <c>RateLimiting</c> of the LLM section (usually <c>Llm</c>), and each provider's
    /// own limits from <c>Providers:&lt;name&gt;:Limits</c> (read through <see cref="LlmProviderLimitsRegistry"/>), validated at start.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The section holding <c>RateLimiting</c> and <c>Providers</c>.</param>
    /// <param name="configure">Adjusts the limits after configuration is applied.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddRateLimiting(this IServiceCollection services, IConfiguration configuration, Action<RateLimitingOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        return Add(services, configuration, configure);
    }

    /// <summary>Declares, in code, what a provider accepts per minute (after any configuration values).</summary>
    /// <param name="services">The services.</param>
    /// <param name="provider">The provider's name.</param>
    /// <param name="configure">Sets the limits.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddProviderLimits(this IServiceCollection services, string provider, Action<LlmProviderLimits> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(provider);
        ArgumentNullException.ThrowIfNull(configure);
        AddProviderLimitsCore(services);
        services.AddSingleton(new LlmProviderLimitsRegistration(provider, $"Llm:Providers:{provider}:Limits"));
        services.AddOptions<LlmProviderLimits>(provider).Configure(configure).ValidateOnStart();
        return services;
    }

    private static IServiceCollection Add(IServiceCollection services, IConfiguration? configuration, Action<RateLimitingOptions>? configure)
    {
        var root = StageOptionsRegistration.Add<RateLimitingOptions>(services, configuration, "RateLimiting", static (section, o) => section.Bind(o), configure, static path => new RateLimitingOptionsValidator(path));
        AddProviderLimitsCore(services);
        foreach (var provider in configuration?.GetSection("Providers").GetChildren() ?? [])
        {
            var own = provider.GetSection("Limits");
            if (own.Exists())
            {
                services.AddSingleton(new LlmProviderLimitsRegistration(provider.Key, $"{root}:Providers:{provider.Key}:Limits"));
                services.AddOptions<LlmProviderLimits>(provider.Key).Configure(o => own.Bind(o)).ValidateOnStart();
            }
        }

        services.TryAddSingleton<ILlmRateLimitStore>(sp => new InMemoryRateLimitStore(sp.GetRequiredService<TimeProvider>()));
        LlmStageMarker.Add(services, LlmStageMarker.RateLimiting);
        return services;
    }

    private static void AddProviderLimitsCore(IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<LlmProviderLimits>, LlmProviderLimitsValidator>());
        services.TryAddSingleton(sp => new LlmProviderLimitsRegistry(
            sp.GetService<LlmProviderRegistry>(),
            sp.GetServices<LlmProviderLimitsRegistration>(),
            sp.GetRequiredService<IOptionsMonitor<LlmProviderLimits>>(),
            sp.GetRequiredService<TimeProvider>()));
    }
}
