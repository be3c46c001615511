using LlmFallback;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the LlmFallback response cache.</summary>
public static class LlmCachingServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="LlmResponseCache"/> over <see cref="HybridCache"/> (added if missing; it uses the registered
    /// <c>IDistributedCache</c>, such as Redis through <c>AddStackExchangeRedisCache</c>, as its second level) and binds
    /// <see cref="LlmCachingOptions"/> from <paramref name="configuration"/>, validated at start.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The section to bind, usually <c>Llm:Caching</c>; <see langword="null"/> for none.</param>
    /// <param name="configure">Adjusts the options after configuration is applied.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddLlmCaching(this IServiceCollection services, IConfiguration? configuration = null, Action<LlmCachingOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(TimeProvider.System);
        services.AddHybridCache();
        services.TryAddSingleton<IHybridCacheSerializer<CachedChatEntry>>(CachedChatEntrySerializer.Instance);
        services.TryAddSingleton(static sp => new LlmResponseCache(sp.GetRequiredService<HybridCache>(), sp.GetRequiredService<TimeProvider>(), sp.GetService<ILoggerFactory>()));
        var options = services.AddOptions<LlmCachingOptions>();
        var path = LlmCachingOptionsValidator.DefaultPath;
        if (configuration is not null)
        {
            path = configuration is IConfigurationSection section ? section.Path : path;
            options.Configure(o => configuration.Bind(o));
        }

        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<LlmCachingOptions>>(new LlmCachingOptionsValidator(path)));
        options.ValidateOnStart();
        return services;
    }
}
