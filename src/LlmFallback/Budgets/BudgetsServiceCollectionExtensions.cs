using LlmFallback;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

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
        var root = configuration is IConfigurationSection section ? section.Path : "Llm";
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(new LlmStageConfigurationPath(root));
        var options = services.AddOptions<BudgetOptions>();
        if (configuration is not null)
        {
            var budgets = configuration.GetSection("Budgets");
            options.Configure(o => budgets.Bind(o));
        }

        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<BudgetOptions>>(new BudgetOptionsValidator($"{root}:Budgets")));
        services.TryAddSingleton<ILlmBudgetStore>(sp => new InMemoryBudgetStore(sp.GetRequiredService<TimeProvider>()));
        return services;
    }
}
