using LlmFallback;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Microsoft.Extensions.AI;

/// <summary>Adds content moderation to a <see cref="ChatClientBuilder"/> pipeline.</summary>
public static class ModerationChatClientBuilderExtensions
{
    /// <summary>
    /// Adds <see cref="ModerationChatClient"/>: the request is checked before the call, the answer after it (a stream in
    /// windows). Put it outside PII redaction, so the moderator sees what the user wrote.
    /// </summary>
    /// <param name="builder">The pipeline builder.</param>
    /// <param name="service">The moderation service; <see langword="null"/> resolves <see cref="IModerationService"/> from the services
    /// (<c>AddLocalModeration</c> or <c>AddOpenAIModeration</c>).</param>
    /// <param name="configure">Adjusts the options after <c>Llm:Moderation</c> (when <c>AddModeration</c> registered it).</param>
    /// <returns>The builder.</returns>
    public static ChatClientBuilder UseModeration(this ChatClientBuilder builder, IModerationService? service = null, Action<ModerationOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Use((inner, services) =>
        {
            var moderator = service ?? services.GetService<IModerationService>()
                ?? throw new InvalidOperationException("No IModerationService is registered: call services.AddLocalModeration(...) or services.AddOpenAIModeration(...), or pass one to UseModeration.");
            var options = StageOptions.Resolve(services, configure, "Moderation", ModerationOptions.Validate);
            return new ModerationChatClient(inner, moderator, options, services.GetService<IAuditSink>(), services.GetService<TimeProvider>(), services.GetService<ILoggerFactory>());
        });
    }
}
