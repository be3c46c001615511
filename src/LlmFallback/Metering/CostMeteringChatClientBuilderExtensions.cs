using LlmFallback;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.AI;

/// <summary>Adds the cost-metering stage to a <see cref="ChatClientBuilder"/> pipeline.</summary>
public static class CostMeteringChatClientBuilderExtensions
{
    /// <summary>
    /// Meters every call: tokens and US dollars on <see cref="LlmCallInfo"/>, the <c>llmfallback.cost</c> and
    /// <c>llmfallback.tokens</c> counters, and the cost ledger. Add it outside (before) the fallback stage. Uses the
    /// catalogue, ledger and options registered by <c>AddCostMetering</c> when present, and provider prices from
    /// <c>AddLlmProviders</c>.
    /// </summary>
    /// <param name="builder">The pipeline builder.</param>
    /// <param name="ledger">Where calls are recorded; <see langword="null"/> for the registered <see cref="ICostLedger"/>, if any.</param>
    /// <param name="configure">Adjusts the options after configuration is applied.</param>
    /// <returns>The builder.</returns>
    public static ChatClientBuilder UseCostMetering(this ChatClientBuilder builder, ICostLedger? ledger = null, Action<CostMeteringOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Use((inner, services) =>
        {
            var options = (services.GetService<IOptions<CostMeteringOptions>>()?.Value ?? new CostMeteringOptions()).Clone();
            configure?.Invoke(options);
            var meter = ledger is null ? CostMeteringServiceCollectionExtensions.Meter(services) : CostMeteringServiceCollectionExtensions.Meter(services, ledger);
            return new CostMeteringChatClient(inner, meter, options, CostMeteringServiceCollectionExtensions.Path(services, "Metering"));
        });
    }
}
