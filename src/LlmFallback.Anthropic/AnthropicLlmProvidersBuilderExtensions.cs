using LlmFallback;
using LlmFallback.Anthropic;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds Anthropic (Claude, Messages API) providers to LlmFallback.</summary>
public static class AnthropicLlmProvidersBuilderExtensions
{
    /// <summary>
    /// Makes the <c>Anthropic</c> provider type available, so providers declared in configuration with
    /// <c>"Type": "Anthropic"</c> work, and registers its failure classifier, option binding and validation.
    /// Calling it more than once has no further effect.
    /// </summary>
    /// <param name="builder">The providers builder.</param>
    /// <returns>The builder.</returns>
    public static LlmProvidersBuilder AddAnthropic(this LlmProvidersBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        var registered = RegisteredNames(services);
        if (registered is null)
        {
            registered = new AnthropicRegistration();
            services.AddSingleton(registered);
            builder.AddProviderType(AnthropicProviderType.Name, AnthropicProviderType.CreateClient, static (_, _, _) => AnthropicFailureClassifier.Instance);
            builder.BindProviderSettings<AnthropicProviderOptions>(static (section, o) => section.Bind(o));
            builder.AddPortability();

            services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AnthropicProviderOptions>>(new AnthropicOptionsValidator(builder.ConfigurationPath)));
            services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<LlmProviderOptions>>(
                new AnthropicProviderOptionsValidator(builder.ConfigurationPath, Environment.GetEnvironmentVariable)));
            services.AddSingleton<IPostConfigureOptions<LlmProviderOptions>>(sp => new AnthropicCapabilityDefaults(
                sp.GetRequiredService<IOptionsMonitor<AnthropicProviderOptions>>()));
        }

        // Providers declared in configuration get their named HttpClient and start-up validation here.
        if (builder.Configuration is { } config)
        {
            foreach (var provider in config.GetSection("Providers").GetChildren())
            {
                if (AnthropicProviderType.Is(provider["Type"]))
                {
                    Register(services, registered, provider.Key);
                }
            }
        }

        return builder;
    }

    /// <summary>
    /// Adds a provider served by the Anthropic Messages API. Values under <c>Llm:Providers:<paramref name="name"/></c>
    /// apply first, then <paramref name="configure"/> and <paramref name="configureAnthropic"/>. The API key comes from
    /// <c>ApiKey</c> or the <c>ANTHROPIC_API_KEY</c> environment variable.
    /// </summary>
    /// <param name="builder">The providers builder.</param>
    /// <param name="name">The provider's name; its key for keyed <c>IChatClient</c> and <see cref="LlmProvider"/> resolution.</param>
    /// <param name="configure">Sets the model, endpoint, key, capabilities, pricing and attempt policy.</param>
    /// <param name="configureAnthropic">Sets the Anthropic-only settings (API version, betas, default max tokens, thinking mode).</param>
    /// <returns>The builder.</returns>
    public static LlmProvidersBuilder AddAnthropicProvider(
        this LlmProvidersBuilder builder,
        string name,
        Action<LlmProviderOptions>? configure = null,
        Action<AnthropicProviderOptions>? configureAnthropic = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        builder.AddAnthropic();
        builder.AddProvider(name, AnthropicProviderType.Name, configure);
        if (configureAnthropic is not null)
        {
            builder.Services.Configure(name, configureAnthropic);
        }

        Register(builder.Services, RegisteredNames(builder.Services)!, name);
        return builder;
    }

    private static void Register(IServiceCollection services, AnthropicRegistration registered, string name)
    {
        if (registered.Names.Add(name))
        {
            services.AddLlmHttpClient(name);
            services.AddOptions<AnthropicProviderOptions>(name).ValidateOnStart();
            services.AddOptions<LlmPortabilityOptions>(name).ValidateOnStart();
        }
    }

    private static AnthropicRegistration? RegisteredNames(IServiceCollection services)
    {
        foreach (var descriptor in services)
        {
            if (descriptor.ServiceType == typeof(AnthropicRegistration) && descriptor.ImplementationInstance is AnthropicRegistration registration)
            {
                return registration;
            }
        }

        return null;
    }
}
