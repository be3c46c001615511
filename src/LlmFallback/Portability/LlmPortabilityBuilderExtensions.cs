using LlmFallback;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the options of the history portability step (<see cref="LlmPortability"/>).</summary>
public static class LlmPortabilityBuilderExtensions
{
    /// <summary>
    /// Registers <see cref="LlmPortabilityOptions"/>: the default instance bound from <c>Portability</c> of the LLM
    /// configuration, and one named after each provider, bound from <c>Portability</c> and then
    /// <c>Providers:&lt;name&gt;:Portability</c>. Validated at start, with messages that name the key. Adapter packages
    /// call this; calling it again only adds <paramref name="configure"/>.
    /// </summary>
    /// <param name="builder">The providers builder.</param>
    /// <param name="configure">Applied to every instance (all providers) after configuration; <see langword="null"/> for none.</param>
    /// <returns>The builder.</returns>
    /// <remarks>Set one provider's options in code with <c>services.Configure&lt;LlmPortabilityOptions&gt;("name", o =&gt; …)</c>.</remarks>
    public static LlmProvidersBuilder AddPortability(this LlmProvidersBuilder builder, Action<LlmPortabilityOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        if (!IsRegistered(services))
        {
            services.AddSingleton(new PortabilityRegistration());
            if (builder.Configuration is { } configuration)
            {
                services.AddSingleton<IConfigureOptions<LlmPortabilityOptions>>(new LlmPortabilityOptionsBinder(configuration));
            }

            services.AddSingleton<IValidateOptions<LlmPortabilityOptions>>(new LlmPortabilityOptionsValidator(builder.Configuration, builder.ConfigurationPath));
            services.AddOptions<LlmPortabilityOptions>().ValidateOnStart();
        }

        if (configure is not null)
        {
            services.ConfigureAll(configure);
        }

        return builder;
    }

    private static bool IsRegistered(IServiceCollection services)
    {
        for (var i = 0; i < services.Count; i++)
        {
            if (services[i].ServiceType == typeof(PortabilityRegistration))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Marks a service collection in which <see cref="AddPortability"/> has run.</summary>
    private sealed class PortabilityRegistration;
}
