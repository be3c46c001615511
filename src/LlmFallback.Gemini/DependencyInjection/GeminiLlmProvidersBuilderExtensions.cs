using Microsoft.Extensions.Configuration;
using LlmFallback;
using LlmFallback.Gemini;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers Google Gemini providers on an <see cref="LlmProvidersBuilder"/>.</summary>
public static class GeminiLlmProvidersBuilderExtensions
{
    /// <summary>The adapter type name that configuration uses in <c>Llm:Providers:&lt;name&gt;:Type</c>.</summary>
    public const string ProviderType = "Gemini";

    /// <summary>
    /// Makes the <c>Gemini</c> adapter type available, so providers declared in configuration with
    /// <c>"Type": "Gemini"</c> are created; gives each its named <see cref="HttpClient"/>
    /// (<see cref="LlmHttpClientServiceCollectionExtensions.GetLlmHttpClientName"/>), binds its
    /// <see cref="GeminiOptions"/> from the same section, and validates it at start.
    /// </summary>
    /// <param name="builder">The providers builder.</param>
    /// <returns>The builder.</returns>
    /// <remarks>
    /// The API key comes from <c>ApiKey</c>, else the <c>GEMINI_API_KEY</c> environment variable, else
    /// <c>GOOGLE_API_KEY</c>. Capabilities left unset get Gemini defaults: vision and JSON schema on, and the context
    /// window and output limit of known models. Calling this more than once has no further effect.
    /// </remarks>
    public static LlmProvidersBuilder AddGemini(this LlmProvidersBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        GetOrAddRegistration(builder);
        return builder;
    }

    /// <summary>Adds a Gemini provider in code; values from <c>Llm:Providers:&lt;name&gt;</c>, if any, apply first.</summary>
    /// <param name="builder">The providers builder.</param>
    /// <param name="name">The provider's name.</param>
    /// <param name="configure">Sets model, key, endpoint, capabilities and attempt policy, after configuration.</param>
    /// <param name="configureGemini">Sets Gemini-specific options, after configuration.</param>
    /// <returns>The builder.</returns>
    public static LlmProvidersBuilder AddGeminiProvider(
        this LlmProvidersBuilder builder,
        string name,
        Action<LlmProviderOptions>? configure = null,
        Action<GeminiOptions>? configureGemini = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var registration = GetOrAddRegistration(builder);
        AddProviderServices(builder.Services, registration, name);
        builder.Services.AddOptions<LlmProviderOptions>(name).Configure(o => o.Type = ProviderType);

        if (configureGemini is not null)
        {
            builder.Services.AddOptions<GeminiOptions>(name).Configure(configureGemini);
        }

        return builder.AddProvider(name, ProviderType, configure);
    }

    private static GeminiRegistration GetOrAddRegistration(LlmProvidersBuilder builder)
    {
        var services = builder.Services;
        foreach (var descriptor in services)
        {
            if (descriptor.ServiceType == typeof(GeminiRegistration) && descriptor.ImplementationInstance is GeminiRegistration existing)
            {
                return existing;
            }
        }

        var registration = new GeminiRegistration(builder.Configuration, builder.ConfigurationPath);
        services.AddSingleton(registration);

        // IHttpClientFactory, also for providers whose named client was not registered here.
        services.AddHttpClient();
        services.AddSingleton<IPostConfigureOptions<LlmProviderOptions>>(registration.Defaults);
        services.AddSingleton<IValidateOptions<LlmProviderOptions>>(new GeminiProviderOptionsValidator(registration, Environment.GetEnvironmentVariable));
        services.AddSingleton<IValidateOptions<GeminiOptions>>(new GeminiOptionsValidator(registration));
        if (builder.Configuration is { } configuration)
        {
            builder.BindProviderSettings<GeminiOptions>(static (section, o) => section.Bind(o));
            foreach (var child in configuration.GetSection("Providers").GetChildren())
            {
                if (GeminiRegistration.IsGemini(child["Type"]))
                {
                    AddProviderServices(services, registration, child.Key);
                }
            }
        }

        builder.AddPortability();
        builder.AddProviderType(ProviderType, (sp, name, options) => CreateClient(sp, registration, name, options), static (_, _, _) => GeminiFailureClassifier.Instance);
        return registration;
    }

    private static void AddProviderServices(IServiceCollection services, GeminiRegistration registration, string name)
    {
        if (registration.Add(name))
        {
            services.AddLlmHttpClient(name);
            services.AddOptions<GeminiOptions>(name).ValidateOnStart();
            services.AddOptions<LlmPortabilityOptions>(name).ValidateOnStart();
        }
    }

    private static GeminiChatClient CreateClient(IServiceProvider services, GeminiRegistration registration, string name, LlmProviderOptions options)
    {
        var gemini = services.GetRequiredService<IOptionsMonitor<GeminiOptions>>().Get(name);
        var apiKey = GeminiApiKey.Resolve(options.ApiKey, Environment.GetEnvironmentVariable)
            ?? throw new InvalidOperationException($"{registration.PathOf(name)}:ApiKey is required for a Gemini provider: set it or the GEMINI_API_KEY or GOOGLE_API_KEY environment variable.");
        var http = services.GetRequiredService<IHttpClientFactory>().CreateClient(LlmHttpClientServiceCollectionExtensions.GetLlmHttpClientName(name));

        // Also covers a provider added with AddProvider(name, "Gemini") after AddGemini(), whose named client has no
        // registration: no 100 s default may cut a long stream; the attempt policy owns every timeout.
        http.Timeout = Timeout.InfiniteTimeSpan;
        if (options.Endpoint is { } endpoint)
        {
            http.BaseAddress = endpoint;
        }

        var portability = services.GetRequiredService<IOptionsMonitor<LlmPortabilityOptions>>().Get(name);
        return new GeminiChatClient(http, apiKey, options.Model, gemini, name, services.GetService<TimeProvider>(), services.GetService<ILoggerFactory>(), portability);
    }
}
