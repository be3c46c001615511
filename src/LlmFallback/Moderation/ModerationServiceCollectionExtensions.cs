using LlmFallback;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the moderation stage's options and the local moderation service.</summary>
public static class ModerationServiceCollectionExtensions
{
    /// <summary>
    /// Binds <see cref="ModerationOptions"/> from <c>Moderation</c> under <paramref name="configuration"/> (the <c>Llm</c>
    /// section), then <paramref name="configure"/>, validated at start; registers the default <see cref="IAuditSink"/>.
    /// Register a service too (<see cref="AddLocalModeration"/> or <c>AddOpenAIModeration</c>) and add the stage with <c>UseModeration()</c>.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The <c>Llm</c> section, or <see langword="null"/>.</param>
    /// <param name="configure">Adjusts the options after configuration.</param>
    /// <returns><paramref name="services"/>, for chaining.</returns>
    public static IServiceCollection AddModeration(this IServiceCollection services, IConfiguration? configuration = null, Action<ModerationOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        StageOptions.Add(services, configuration, "Moderation", static (section, o) => section.Bind(o), configure, ModerationOptions.Validate);
        LlmStageMarker.Add(services, LlmStageMarker.Moderation);
        return services;
    }

    /// <summary>
    /// Registers <see cref="LocalModerationService"/> as the <see cref="IModerationService"/> (a singleton), its rules
    /// bound from <c>Moderation:Local</c> under <paramref name="configuration"/> and validated at start.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The <c>Llm</c> section, or <see langword="null"/>.</param>
    /// <param name="configure">Adjusts the rules after configuration.</param>
    /// <returns><paramref name="services"/>, for chaining.</returns>
    public static IServiceCollection AddLocalModeration(this IServiceCollection services, IConfiguration? configuration = null, Action<LocalModerationOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        StageOptions.Add(services, configuration, "Moderation:Local", static (section, o) => section.Bind(o), configure, LocalModerationOptions.Validate);
        services.AddSingleton<IModerationService>(static sp => new LocalModerationService(sp.GetRequiredService<IOptions<LocalModerationOptions>>().Value));
        return services;
    }
}
