using LlmFallback;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.AI;

/// <summary>Adds the cost-optimisation stage to a <see cref="ChatClientBuilder"/> pipeline.</summary>
public static class CostOptimizationChatClientBuilderExtensions
{
    /// <summary>
    /// Sends fewer tokens: default output caps, safe prompt compaction and history reduction. Add it after PII
    /// redaction and before caching, so compacted prompts share cache entries. Uses the options registered by
    /// <c>AddCostOptimization</c> when present.
    /// </summary>
    /// <param name="builder">The pipeline builder.</param>
    /// <param name="reducer">A history reducer applied after the configured ones; <see langword="null"/> for none.</param>
    /// <param name="configure">Adjusts the options after configuration is applied.</param>
    /// <returns>The builder.</returns>
    public static ChatClientBuilder UseCostOptimization(this ChatClientBuilder builder, IChatReducer? reducer = null, Action<CostOptimizationOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Use((inner, services) =>
        {
            var options = (services.GetService<IOptions<CostOptimizationOptions>>()?.Value ?? new CostOptimizationOptions()).Clone();
            configure?.Invoke(options);
            return new CostOptimizationChatClient(inner, options, reducer, CostMeteringServiceCollectionExtensions.Path(services, "CostOptimization"));
        });
    }
}
