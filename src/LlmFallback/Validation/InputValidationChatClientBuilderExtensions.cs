using LlmFallback;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.Extensions.AI;

/// <summary>Adds input validation to a <see cref="ChatClientBuilder"/> pipeline.</summary>
public static class InputValidationChatClientBuilderExtensions
{
    /// <summary>
    /// Adds <see cref="InputValidationChatClient"/>: requests that break a limit are rejected with an
    /// <see cref="InputValidationException"/> before any other stage runs. Put it first (outermost).
    /// </summary>
    /// <param name="builder">The pipeline builder.</param>
    /// <param name="configure">Adjusts the options after <c>Llm:InputValidation</c> (when <c>AddInputValidation</c> registered it).</param>
    /// <returns>The builder.</returns>
    public static ChatClientBuilder UseInputValidation(this ChatClientBuilder builder, Action<InputValidationOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Use((inner, services) =>
        {
            var options = StageOptions.Resolve(services, configure, "InputValidation", InputValidationOptions.Validate);
            var prefix = services.GetService<StageOptionsPath<InputValidationOptions>>()?.Path ?? "Llm:InputValidation";
            return new InputValidationChatClient(inner, options, services.GetService<IAuditSink>(), services.GetService<TimeProvider>(), prefix);
        });
    }
}
