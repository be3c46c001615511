using LlmFallback;
using LlmFallback.Redis;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Shares LlmFallback's budgets, rate limits, provider cool-downs and breaker openings between instances through Redis.</summary>
public static class LlmRedisServiceCollectionExtensions
{
    /// <summary>
    /// Connects to the Redis configured under <c>Redis</c> of the LLM section (usually <c>Llm</c>) and makes it the
    /// store of budgets (<see cref="RedisBudgetStore"/>) and rate limits (<see cref="RedisRateLimitStore"/>) and the
    /// place where providers' cool-downs and breaker openings are shared, with in-memory state answering while Redis
    /// is unreachable. Options are validated at start.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The section holding <c>Redis</c>.</param>
    /// <param name="configure">Adjusts the options after configuration is applied.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddLlmRedis(this IServiceCollection services, IConfiguration configuration, Action<LlmRedisOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var root = configuration is IConfigurationSection section ? section.Path : "Llm";
        var redis = configuration.GetSection("Redis");
        return Add(services, o => redis.Bind(o), configure, $"{root}:Redis", multiplexer: null);
    }

    /// <summary>Connects to Redis configured in code and makes it the store of budgets and rate limits.</summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Sets the options (<see cref="LlmRedisOptions.Configuration"/> is required).</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddLlmRedis(this IServiceCollection services, Action<LlmRedisOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        return Add(services, null, configure, "Llm:Redis", multiplexer: null);
    }

    /// <summary>Uses the application's Redis connection (not disposed by LlmFallback) as the store of budgets and rate limits.</summary>
    /// <param name="services">The services.</param>
    /// <param name="multiplexer">The connection.</param>
    /// <param name="configure">Sets the key prefix, timeout and retry interval.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddLlmRedis(this IServiceCollection services, IConnectionMultiplexer multiplexer, Action<LlmRedisOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(multiplexer);
        return Add(services, null, configure, "Llm:Redis", multiplexer);
    }

    private static IServiceCollection Add(IServiceCollection services, Action<LlmRedisOptions>? bind, Action<LlmRedisOptions>? configure, string path, IConnectionMultiplexer? multiplexer)
    {
        services.TryAddSingleton(TimeProvider.System);
        var options = services.AddOptions<LlmRedisOptions>();
        if (bind is not null)
        {
            options.Configure(bind);
        }

        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<LlmRedisOptions>>(new LlmRedisOptionsValidator(path, requireConfiguration: multiplexer is null)));
        services.TryAddSingleton(sp => new LlmRedisConnection(
            multiplexer,
            sp.GetRequiredService<IOptions<LlmRedisOptions>>().Value,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<ILoggerFactory>(),
            path));
        services.Replace(ServiceDescriptor.Singleton<ILlmBudgetStore>(sp => new RedisBudgetStore(sp.GetRequiredService<LlmRedisConnection>())));
        services.Replace(ServiceDescriptor.Singleton<ILlmRateLimitStore>(sp => new RedisRateLimitStore(sp.GetRequiredService<LlmRedisConnection>())));
        services.TryAddSingleton(sp => new RedisSharedHealthStore(
            sp.GetRequiredService<LlmRedisConnection>(),
            sp.GetRequiredService<IOptions<LlmRedisOptions>>().Value.HealthSyncInterval));
        services.TryAddSingleton<ISharedHealthStore>(sp => sp.GetRequiredService<RedisSharedHealthStore>());
        return services;
    }
}
