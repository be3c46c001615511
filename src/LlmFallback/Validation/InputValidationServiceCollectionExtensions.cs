using LlmFallback;
using Microsoft.Extensions.Configuration;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the input validation options.</summary>
public static class InputValidationServiceCollectionExtensions
{
    /// <summary>
    /// Binds <see cref="InputValidationOptions"/> from <c>InputValidation</c> under <paramref name="configuration"/> (the
    /// <c>Llm</c> section), then <paramref name="configure"/>, and validates them at start. Also registers the default
    /// <see cref="IAuditSink"/> and <see cref="TimeProvider"/> unless present. Add the stage with <c>UseInputValidation()</c>.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The <c>Llm</c> section, or <see langword="null"/> for code-only configuration.</param>
    /// <param name="configure">Adjusts the options after configuration.</param>
    /// <returns><paramref name="services"/>, for chaining.</returns>
    public static IServiceCollection AddInputValidation(this IServiceCollection services, IConfiguration? configuration = null, Action<InputValidationOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        StageOptions.Add(services, configuration, "InputValidation", static (section, o) => section.Bind(o), configure, InputValidationOptions.Validate);
        LlmStageMarker.Add(services, LlmStageMarker.InputValidation);
        return services;
    }
}
