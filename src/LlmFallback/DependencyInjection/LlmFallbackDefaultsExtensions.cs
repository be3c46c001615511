using LlmFallback;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Registers and adds every LlmFallback stage in the documented order, each configured from its section of <c>Llm</c>.
/// </summary>
public static class LlmFallbackDefaultsExtensions
{
    /// <summary>
    /// Registers the stages whose section exists under <paramref name="configuration"/> (the <c>Llm</c> section):
    /// <c>RateLimiting</c>, <c>Budgets</c>, <c>Moderation</c> (with the local moderator when <c>Moderation:Local</c> is
    /// set), <c>Pii</c>, <c>CostOptimization</c>, <c>Caching</c>, <c>Routes</c>/<c>Routing</c>; input validation, cost
    /// metering and the audit sink are always registered. Call <c>UseLlmFallbackDefaults()</c> on the pipeline.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The <c>Llm</c> section.</param>
    /// <returns><paramref name="services"/>, for chaining.</returns>
    public static IServiceCollection AddLlmFallbackDefaults(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddLlmAudit();
        services.AddInputValidation(configuration);
        if (configuration.GetSection("RateLimiting").Exists())
        {
            services.AddRateLimiting(configuration);
        }

        if (configuration.GetSection("Budgets").Exists())
        {
            services.AddBudgets(configuration);
        }

        if (configuration.GetSection("Moderation").Exists())
        {
            services.AddModeration(configuration);
            if (configuration.GetSection("Moderation:Local").Exists())
            {
                services.AddLocalModeration(configuration);
            }
        }

        if (configuration.GetSection("Pii").Exists())
        {
            services.AddPiiRedaction(configuration);
        }

        if (configuration.GetSection("CostOptimization").Exists())
        {
            services.AddCostOptimization(configuration);
        }

        if (configuration.GetSection("Caching").Exists())
        {
            services.AddLlmCaching(configuration);
        }

        services.AddCostMetering(configuration);
        if (configuration.GetSection("Routes").Exists() || configuration.GetSection("Routing").Exists())
        {
            services.AddLlmRouting(configuration);
        }

        return services;
    }

    /// <summary>
    /// Adds, around the builder's client (the fallback stage), every stage whose services are registered, outermost
    /// first: input validation, rate limiting, budgets, moderation, PII redaction, cost optimisation, caching, cost
    /// metering, routing. PII is removed before anything is cached, logged or sent; the cache sits outside metering so
    /// hits cost nothing; metering sits outside fallback so only the attempt that answered is billed.
    /// </summary>
    /// <param name="builder">The pipeline builder whose client is the fallback stage.</param>
    /// <returns>The builder.</returns>
    public static ChatClientBuilder UseLlmFallbackDefaults(this ChatClientBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Use((inner, services) =>
        {
            var registered = new HashSet<string>(StringComparer.Ordinal);
            foreach (var marker in services.GetServices<LlmStageMarker>())
            {
                registered.Add(marker.Stage);
            }

            var stages = new ChatClientBuilder(inner);
            Add(stages, registered, LlmStageMarker.InputValidation, static b => b.UseInputValidation());
            Add(stages, registered, LlmStageMarker.RateLimiting, static b => b.UseRateLimiting());
            Add(stages, registered, LlmStageMarker.Budgets, static b => b.UseBudgets());
            Add(stages, registered, LlmStageMarker.Moderation, static b => b.UseModeration());
            Add(stages, registered, LlmStageMarker.Pii, static b => b.UsePiiRedaction());
            Add(stages, registered, LlmStageMarker.CostOptimization, static b => b.UseCostOptimization());
            Add(stages, registered, LlmStageMarker.Caching, static b => b.UseCaching());
            Add(stages, registered, LlmStageMarker.Metering, static b => b.UseCostMetering());
            Add(stages, registered, LlmStageMarker.Routing, static b => b.UseRouting());
            return stages.Build(services);
        });
    }

    private static void Add(ChatClientBuilder builder, HashSet<string> registered, string stage, Action<ChatClientBuilder> use)
    {
        if (registered.Contains(stage))
        {
            use(builder);
        }
    }
}
