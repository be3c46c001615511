using LlmFallback;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers cost metering: the price catalogue, the cost ledger and the metering options.</summary>
public static class CostMeteringServiceCollectionExtensions
{
    /// <summary>
    /// Registers cost metering configured in code: <see cref="LlmPriceCatalog"/> (the shipped catalogue),
    /// <see cref="ICostLedger"/> (<see cref="InMemoryCostLedger"/> unless one is registered) and
    /// <see cref="CostMeteringOptions"/>, validated at start.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Sets the options.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddCostMetering(this IServiceCollection services, Action<CostMeteringOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        return Add(services, null, configure);
    }

    /// <summary>
    /// Registers cost metering configured from the LLM section (usually <c>Llm</c>): options from <c>Metering</c>, and
    /// prices from <c>Pricing</c> (one child per model) over the shipped catalogue.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The section holding <c>Metering</c> and <c>Pricing</c>.</param>
    /// <param name="configure">Adjusts the options after configuration is applied.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddCostMetering(this IServiceCollection services, IConfiguration configuration, Action<CostMeteringOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        return Add(services, configuration, configure);
    }

    internal static string Path(IServiceProvider services, string feature) =>
        $"{services.GetService<LlmStageConfigurationPath>()?.Path ?? services.GetService<LlmConfigurationPath>()?.Path ?? "Llm"}:{feature}";

    internal static LlmCostMeter Meter(IServiceProvider services) =>
        services.GetService<LlmCostMeter>() ?? Meter(services, services.GetService<ICostLedger>());

    internal static LlmCostMeter Meter(IServiceProvider services, ICostLedger? ledger) => new(
        services.GetService<LlmPriceCatalog>(),
        services.GetService<LlmProviderRegistry>(),
        ledger,
        services.GetService<TimeProvider>(),
        services.GetService<ILoggerFactory>());

    private static IServiceCollection Add(IServiceCollection services, IConfiguration? configuration, Action<CostMeteringOptions>? configure)
    {
        var root = StageOptionsRegistration.Add<CostMeteringOptions>(services, configuration, "Metering", static (section, o) => section.Bind(o), configure, static path => new CostMeteringOptionsValidator(path));
        var pricing = services.AddOptions<LlmPricingOptions>();
        if (configuration is not null)
        {
            var prices = configuration.GetSection("Pricing");
            pricing.Configure(o =>
            {
                foreach (var child in prices.GetChildren())
                {
                    var model = new LlmModelPricing();
                    child.Bind(model);
                    o.Models[child.Key] = model;
                }
            });
        }

        pricing.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<LlmPricingOptions>>(new LlmPricingOptionsValidator($"{root}:Pricing")));
        services.TryAddSingleton(sp =>
        {
            var overrides = sp.GetRequiredService<IOptions<LlmPricingOptions>>().Value.Models;
            return overrides.Count == 0 ? LlmPriceCatalog.Default : LlmPriceCatalog.Default.WithOverrides(overrides);
        });
        services.TryAddSingleton<ICostLedger>(sp => new InMemoryCostLedger(
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<IOptions<CostMeteringOptions>>().Value.LedgerRetention));
        services.TryAddSingleton(sp => Meter(sp, sp.GetService<ICostLedger>()));
        LlmStageMarker.Add(services, LlmStageMarker.Metering);
        return services;
    }
}

/// <summary>The configuration path the outer stages were bound from (usually <c>Llm</c>), for messages that name keys.</summary>
internal sealed record LlmStageConfigurationPath(string Path);
