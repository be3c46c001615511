using LlmFallback;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.AI;

/// <summary>Adds the rate-limiting stage to a <see cref="ChatClientBuilder"/> pipeline.</summary>
public static class RateLimitingChatClientBuilderExtensions
{
    /// <summary>
    /// Limits requests and tokens per minute per user, tenant and API key. Add it near the outside of the pipeline
    /// (after input validation, before budgets). Uses the store and options registered by <c>AddRateLimiting</c> when present.
    /// </summary>
    /// <param name="builder">The pipeline builder.</param>
    /// <param name="store">Where buckets are kept; <see langword="null"/> for the registered <see cref="ILlmRateLimitStore"/>, or an in-memory store.</param>
    /// <param name="configure">Adjusts the options after configuration is applied.</param>
    /// <returns>The builder.</returns>
    public static ChatClientBuilder UseRateLimiting(this ChatClientBuilder builder, ILlmRateLimitStore? store = null, Action<RateLimitingOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Use((inner, services) =>
        {
            var options = (services.GetService<IOptions<RateLimitingOptions>>()?.Value ?? new RateLimitingOptions()).Clone();
            configure?.Invoke(options);
            var time = services.GetService<TimeProvider>() ?? TimeProvider.System;
            return new RateLimitingChatClient(
                inner,
                store ?? services.GetService<ILlmRateLimitStore>() ?? new InMemoryRateLimitStore(time),
                options,
                services.GetService<IAuditSink>(),
                time,
                services.GetService<ILoggerFactory>(),
                CostMeteringServiceCollectionExtensions.Path(services, "RateLimiting"));
        });
    }
}
