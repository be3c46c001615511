using LlmFallback;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.AI;

/// <summary>Adds the budget stage to a <see cref="ChatClientBuilder"/> pipeline.</summary>
public static class BudgetsChatClientBuilderExtensions
{
    /// <summary>
    /// Enforces spending budgets per user, tenant, API key and route. Add it after rate limiting and before metering
    /// and fallback. Uses the store and options registered by <c>AddBudgets</c> when present.
    /// </summary>
    /// <param name="builder">The pipeline builder.</param>
    /// <param name="store">Where counters are kept; <see langword="null"/> for the registered <see cref="ILlmBudgetStore"/>, or an in-memory store.</param>
    /// <param name="configure">Adjusts the options after configuration is applied.</param>
    /// <returns>The builder.</returns>
    public static ChatClientBuilder UseBudgets(this ChatClientBuilder builder, ILlmBudgetStore? store = null, Action<BudgetOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Use((inner, services) =>
        {
            var options = (services.GetService<IOptions<BudgetOptions>>()?.Value ?? new BudgetOptions()).Clone();
            configure?.Invoke(options);
            var time = services.GetService<TimeProvider>() ?? TimeProvider.System;
            return new BudgetsChatClient(
                inner,
                store ?? services.GetService<ILlmBudgetStore>() ?? new InMemoryBudgetStore(time),
                options,
                CostMeteringServiceCollectionExtensions.Meter(services),
                services.GetService<LlmProviderRegistry>(),
                services.GetService<IAuditSink>(),
                services.GetService<ILoggerFactory>(),
                CostMeteringServiceCollectionExtensions.Path(services, "Budgets"));
        });
    }
}
