using LlmFallback;
using LlmFallback.OpenAI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers OpenAI, Azure OpenAI and OpenAI-compatible providers on an <see cref="LlmProvidersBuilder"/>.</summary>
public static class OpenAILlmProvidersBuilderExtensions
{
    /// <summary>
    /// Makes the <c>OpenAI</c>, <c>AzureOpenAI</c> and <c>OpenAICompatible</c> types available to providers declared in
    /// configuration, binds each provider's <see cref="OpenAIProviderOptions"/> from its own section, registers their named
    /// <see cref="HttpClient"/>s, and classifies the SDK's errors. Safe to call more than once.
    /// </summary>
    /// <param name="builder">The providers builder.</param>
    /// <returns>The builder.</returns>
    public static LlmProvidersBuilder AddOpenAI(this LlmProvidersBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        if (IsRegistered(services))
        {
            return builder;
        }

        services.AddSingleton(new OpenAIRegistrationState());
        services.AddOptions<OpenAIProviderOptions>();
        builder.AddPortability();

        // Each provider gets its own classifier on the application's clock: nothing is shared or changed later.
        Func<IServiceProvider, string, LlmProviderOptions, ILlmFailureClassifier?> classifier = static (sp, _, _) => new OpenAIFailureClassifier(sp.GetService<TimeProvider>());
        builder.AddProviderType(OpenAIProviderTypes.OpenAI, OpenAIChatClientFactory.Create, classifier);
        builder.AddProviderType(OpenAIProviderTypes.AzureOpenAI, OpenAIChatClientFactory.Create, classifier);
        builder.AddProviderType(OpenAIProviderTypes.OpenAICompatible, OpenAIChatClientFactory.Create, classifier);

        var configurationPath = builder.ConfigurationPath;
        var configuration = builder.Configuration;
        services.AddSingleton<IValidateOptions<LlmProviderOptions>>(sp =>
            new OpenAIProviderOptionsValidator(sp.GetRequiredService<IOptionsMonitor<OpenAIProviderOptions>>(), configurationPath));
        services.AddSingleton<IPostConfigureOptions<LlmProviderOptions>>(sp =>
            new OpenAICapabilityDefaults(sp.GetRequiredService<IOptionsMonitor<OpenAIProviderOptions>>()));

        if (configuration is not null)
        {
            builder.BindProviderSettings<OpenAIProviderOptions>(static (section, o) => section.Bind(o));
            foreach (var section in configuration.GetSection("Providers").GetChildren())
            {
                if (OpenAIProviderTypes.Normalize(section["Type"]) is not null)
                {
                    services.AddLlmHttpClient(section.Key);
                    services.AddOptions<LlmPortabilityOptions>(section.Key).ValidateOnStart();
                }
            }
        }

        return builder;
    }

    /// <summary>Adds an OpenAI provider (key from configuration or <c>OPENAI_API_KEY</c>).</summary>
    /// <param name="builder">The providers builder.</param>
    /// <param name="name">The provider's name; its configuration section is <c>Llm:Providers:&lt;name&gt;</c>.</param>
    /// <param name="configure">Sets model, capabilities, pricing and attempt policy, after configuration values.</param>
    /// <param name="configureOpenAI">Sets the adapter's settings (organization, project, ...), after configuration values.</param>
    /// <returns>The builder.</returns>
    public static LlmProvidersBuilder AddOpenAIProvider(this LlmProvidersBuilder builder, string name, Action<LlmProviderOptions>? configure = null, Action<OpenAIProviderOptions>? configureOpenAI = null) =>
        AddProvider(builder, name, OpenAIProviderTypes.OpenAI, configure, configureOpenAI);

    /// <summary>
    /// Adds an Azure OpenAI provider through the v1 endpoint: <c>Endpoint</c> is the resource's address
    /// (<c>https://&lt;resource&gt;.openai.azure.com/openai/v1/</c>, or just the resource root), <c>Model</c> the
    /// deployment, and the key (configuration or <c>AZURE_OPENAI_API_KEY</c>) is sent in the <c>api-key</c> header.
    /// </summary>
    /// <param name="builder">The providers builder.</param>
    /// <param name="name">The provider's name.</param>
    /// <param name="configure">Sets endpoint, deployment, capabilities and policy, after configuration values.</param>
    /// <param name="configureAzure">Sets the adapter's settings (such as <c>ApiVersion</c>), after configuration values.</param>
    /// <returns>The builder.</returns>
    public static LlmProvidersBuilder AddAzureOpenAIProvider(this LlmProvidersBuilder builder, string name, Action<LlmProviderOptions>? configure = null, Action<OpenAIProviderOptions>? configureAzure = null) =>
        AddProvider(builder, name, OpenAIProviderTypes.AzureOpenAI, configure, configureAzure);

    /// <summary>
    /// Adds a provider for any server that speaks OpenAI Chat Completions. Name a <c>Preset</c> (configuration, or
    /// <paramref name="configureCompatible"/>) for a known server's defaults, or set <c>Endpoint</c>.
    /// </summary>
    /// <param name="builder">The providers builder.</param>
    /// <param name="name">The provider's name.</param>
    /// <param name="configure">Sets endpoint, model, capabilities and policy, after configuration values.</param>
    /// <param name="configureCompatible">Sets the adapter's settings (preset, prefill mode, headers), after configuration values.</param>
    /// <returns>The builder.</returns>
    public static LlmProvidersBuilder AddOpenAICompatibleProvider(this LlmProvidersBuilder builder, string name, Action<LlmProviderOptions>? configure = null, Action<OpenAIProviderOptions>? configureCompatible = null) =>
        AddProvider(builder, name, OpenAIProviderTypes.OpenAICompatible, configure, configureCompatible);

    /// <summary>Adds a provider for an OpenAI-compatible server with a preset's defaults, such as <see cref="OpenAICompatiblePresets.VLlm"/>.</summary>
    /// <param name="builder">The providers builder.</param>
    /// <param name="name">The provider's name.</param>
    /// <param name="preset">The preset (see <see cref="OpenAICompatiblePresets"/>).</param>
    /// <param name="configure">Sets model, endpoint (when not the preset's), capabilities and policy, after configuration values.</param>
    /// <returns>The builder.</returns>
    public static LlmProvidersBuilder AddOpenAICompatibleProvider(this LlmProvidersBuilder builder, string name, string preset, Action<LlmProviderOptions>? configure = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(preset);
        return AddProvider(builder, name, OpenAIProviderTypes.OpenAICompatible, configure, o => o.Preset = preset);
    }

    private static LlmProvidersBuilder AddProvider(LlmProvidersBuilder builder, string name, string type, Action<LlmProviderOptions>? configure, Action<OpenAIProviderOptions>? configureAdapter)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        builder.AddOpenAI();
        if (configureAdapter is not null)
        {
            builder.Services.Configure(name, configureAdapter);
        }

        builder.Services.AddLlmHttpClient(name);
        builder.Services.AddOptions<LlmPortabilityOptions>(name).ValidateOnStart();
        return builder.AddProvider(name, type, configure);
    }

    private static bool IsRegistered(IServiceCollection services)
    {
        for (var i = 0; i < services.Count; i++)
        {
            if (services[i].ServiceType == typeof(OpenAIRegistrationState))
            {
                return true;
            }
        }

        return false;
    }
}
