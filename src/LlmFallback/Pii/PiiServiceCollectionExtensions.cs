using LlmFallback;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers PII redaction options and the shared <see cref="PiiDetector"/>.</summary>
public static class PiiServiceCollectionExtensions
{
    /// <summary>
    /// Binds <see cref="PiiRedactionOptions"/> from <c>Pii</c> under <paramref name="configuration"/> (the <c>Llm</c>
    /// section), then <paramref name="configure"/>, validated at start; registers a singleton <see cref="PiiDetector"/>
    /// built from <c>Pii:Detection</c> (also used by the <see cref="PiiRedactor"/> for host logs) and the default
    /// <see cref="IAuditSink"/>. Add the stage with <c>UsePiiRedaction()</c>.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The <c>Llm</c> section, or <see langword="null"/>.</param>
    /// <param name="configure">Adjusts the options after configuration.</param>
    /// <returns><paramref name="services"/>, for chaining.</returns>
    public static IServiceCollection AddPiiRedaction(this IServiceCollection services, IConfiguration? configuration = null, Action<PiiRedactionOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        StageOptions.Add(services, configuration, "Pii", static (section, o) => section.Bind(o), configure, PiiRedactionOptions.Validate);
        services.AddSingleton(static sp => new PiiDetector(sp.GetRequiredService<IOptions<PiiRedactionOptions>>().Value.Detection));
        LlmStageMarker.Add(services, LlmStageMarker.Pii);
        return services;
    }
}
