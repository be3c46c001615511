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
    /// <see cref="LlmCachingOptions"/> from <c>Caching</c> under <paramref name="configuration"/>, validated at start.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The <c>Llm</c> section (its <c>Caching</c> child is bound), or <see langword="null"/> for code-only configuration.</param>
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
            var caching = configuration.GetSection("Caching");
            path = caching.Path;
            options.Configure(o => caching.Bind(o));
        }

        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<LlmCachingOptions>>(new LlmCachingOptionsValidator(path)));
        options.ValidateOnStart();
        LlmStageMarker.Add(services, LlmStageMarker.Caching);
        return services;
    }
}
