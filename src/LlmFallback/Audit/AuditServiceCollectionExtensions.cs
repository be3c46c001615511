using LlmFallback;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the pipeline's audit sink.</summary>
public static class AuditServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="LoggerAuditSink"/> as the <see cref="IAuditSink"/> unless one is registered already. The
    /// safety stages' registrations call this; register your own sink before or after to replace it.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <returns><paramref name="services"/>, for chaining.</returns>
    public static IServiceCollection AddLlmAudit(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton<IAuditSink>(static sp => new LoggerAuditSink(sp.GetService<ILoggerFactory>()));
        return services;
    }
}
