using LlmFallback;
using Microsoft.Extensions.Configuration;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the cost-optimisation options.</summary>
public static class CostOptimizationServiceCollectionExtensions
{
    /// <summary>Registers cost optimisation configured in code, validated at start.</summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Sets the options.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddCostOptimization(this IServiceCollection services, Action<CostOptimizationOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        return Add(services, null, configure);
    }

    /// <summary>Registers cost optimisation bound from <c>CostOptimization</c> of the LLM section (usually <c>Llm</c>), validated at start.</summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The section holding <c>CostOptimization</c>.</param>
    /// <param name="configure">Adjusts the options after configuration is applied.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddCostOptimization(this IServiceCollection services, IConfiguration configuration, Action<CostOptimizationOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        return Add(services, configuration, configure);
    }

    private static IServiceCollection Add(IServiceCollection services, IConfiguration? configuration, Action<CostOptimizationOptions>? configure)
    {
        StageOptionsRegistration.Add<CostOptimizationOptions>(services, configuration, "CostOptimization", static (section, o) => section.Bind(o), configure, static path => new CostOptimizationOptionsValidator(path));
        LlmStageMarker.Add(services, LlmStageMarker.CostOptimization);
        return services;
    }
}
