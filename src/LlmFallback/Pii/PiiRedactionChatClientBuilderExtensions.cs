using LlmFallback;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Microsoft.Extensions.AI;

/// <summary>Adds PII detection and redaction to a <see cref="ChatClientBuilder"/> pipeline.</summary>
public static class PiiRedactionChatClientBuilderExtensions
{
    /// <summary>
    /// Adds <see cref="PiiRedactionChatClient"/>: personal data in requests (and, by configuration, answers) is rejected,
    /// redacted, masked, pseudonymised or warned about per type. Put it outside caching, so nothing personal is cached.
    /// </summary>
    /// <param name="builder">The pipeline builder.</param>
    /// <param name="configure">Adjusts the options after <c>Llm:Pii</c> (when <c>AddPiiRedaction</c> registered it).</param>
    /// <returns>The builder.</returns>
    public static ChatClientBuilder UsePiiRedaction(this ChatClientBuilder builder, Action<PiiRedactionOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Use((inner, services) =>
        {
            var options = StageOptions.Resolve(services, configure, "Pii", PiiRedactionOptions.Validate);
            var detector = configure is null ? services.GetService<PiiDetector>() : null;
            return new PiiRedactionChatClient(inner, options, detector, services.GetService<IAuditSink>(), services.GetService<TimeProvider>(), services.GetService<ILoggerFactory>());
        });
    }
}
