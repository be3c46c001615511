using LlmFallback;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers spending budgets: the options and the budget store.</summary>
public static class BudgetsServiceCollectionExtensions
{
    /// <summary>Registers budgets configured in code, with the in-memory store unless an <see cref="ILlmBudgetStore"/> is registered.</summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Sets the budgets.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddBudgets(this IServiceCollection services, Action<BudgetOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        return Add(services, null, configure);
    }

    /// <summary>Registers budgets bound from <c>Budgets</c> of the LLM section (usually <c>Llm</c>), validated at start.</summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The section holding <c>Budgets</c>.</param>
    /// <param name="configure">Adjusts the budgets after configuration is applied.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddBudgets(this IServiceCollection services, IConfiguration configuration, Action<BudgetOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        return Add(services, configuration, configure);
    }

    private static IServiceCollection Add(IServiceCollection services, IConfiguration? configuration, Action<BudgetOptions>? configure)
    {
        StageOptionsRegistration.Add<BudgetOptions>(services, configuration, "Budgets", static (section, o) => section.Bind(o), configure, static path => new BudgetOptionsValidator(path));
        services.TryAddSingleton<ILlmBudgetStore>(sp => new InMemoryBudgetStore(sp.GetRequiredService<TimeProvider>()));
        LlmStageMarker.Add(services, LlmStageMarker.Budgets);
        return services;
    }
}
