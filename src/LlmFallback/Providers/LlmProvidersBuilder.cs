using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace LlmFallback;

/// <summary>Adds providers and adapter types; returned by <c>AddLlmProviders</c> and extended by adapter packages.</summary>
public sealed class LlmProvidersBuilder
{
    internal LlmProvidersBuilder(IServiceCollection services, IConfiguration? configuration, string configurationPath)
    {
        Services = services;
        Configuration = configuration;
        ConfigurationPath = configurationPath;
    }

    /// <summary>Gets the service collection.</summary>
    public IServiceCollection Services { get; }

    /// <summary>Gets the configuration section the providers were bound from (for example <c>Llm</c>), if any.</summary>
    public IConfiguration? Configuration { get; }

    /// <summary>Gets the configuration path used in validation messages, for example <c>Llm</c>.</summary>
    public string ConfigurationPath { get; }

    /// <summary>Adds a provider whose client is made in code.</summary>
    /// <param name="name">The provider's name; also its key for keyed <see cref="IChatClient"/> and <see cref="LlmProvider"/> resolution.</param>
    /// <param name="clientFactory">Makes the provider's client. The registry owns and disposes what it returns.</param>
    /// <param name="configure">Sets model, capabilities, pricing and attempt policy, after any configuration values.</param>
    /// <returns>This builder.</returns>
    public LlmProvidersBuilder AddProvider(string name, Func<IServiceProvider, IChatClient> clientFactory, Action<LlmProviderOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(clientFactory);
        return AddProvider(name, (sp, _, _) => clientFactory(sp), configure);
    }

    /// <summary>Adds a provider whose client is made in code from its resolved options.</summary>
    /// <param name="name">The provider's name.</param>
    /// <param name="clientFactory">Makes the client from the services, the provider's name and its validated options.</param>
    /// <param name="configure">Sets options after any configuration values.</param>
    /// <returns>This builder.</returns>
    public LlmProvidersBuilder AddProvider(string name, Func<IServiceProvider, string, LlmProviderOptions, IChatClient> clientFactory, Action<LlmProviderOptions>? configure = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(clientFactory);
        Register(name, clientFactory, configure);
        return this;
    }

    /// <summary>Adds a provider served by a registered adapter type (see <see cref="AddProviderType"/>).</summary>
    /// <param name="name">The provider's name.</param>
    /// <param name="type">The adapter type, such as <c>OpenAI</c>.</param>
    /// <param name="configure">Sets options after any configuration values.</param>
    /// <returns>This builder.</returns>
    public LlmProvidersBuilder AddProvider(string name, string type, Action<LlmProviderOptions>? configure = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(type);
        Register(name, null, o =>
        {
            o.Type = type;
            configure?.Invoke(o);
        });
        return this;
    }

    /// <summary>Makes an adapter type available to providers that name it in <c>Type</c>; called by adapter packages.</summary>
    /// <param name="type">The type name, matched case-insensitively.</param>
    /// <param name="clientFactory">Makes a client from the services, the provider's name and its validated options.</param>
    /// <param name="classifierFactory">
    /// Makes the classifier of the adapter's own exceptions for one provider, from the same arguments (so it can hold
    /// the provider's clock or settings, and nothing is shared between providers); tried before the shared rules.
    /// </param>
    /// <returns>This builder.</returns>
    public LlmProvidersBuilder AddProviderType(
        string type,
        Func<IServiceProvider, string, LlmProviderOptions, IChatClient> clientFactory,
        Func<IServiceProvider, string, LlmProviderOptions, ILlmFailureClassifier?>? classifierFactory = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(type);
        ArgumentNullException.ThrowIfNull(clientFactory);
        Services.AddSingleton(new LlmProviderTypeRegistration(type, clientFactory, classifierFactory));
        return this;
    }

    /// <summary>
    /// Binds an adapter's own per-provider settings from the section the provider's core options come from,
    /// <c>Providers:&lt;name&gt;</c>, so one provider is configured in one place; code configuration runs after it.
    /// Does nothing when the builder has no configuration. Called by adapter packages.
    /// </summary>
    /// <typeparam name="TOptions">The adapter's settings type, resolved as named options (the name is the provider's).</typeparam>
    /// <param name="bind">Binds one section onto the settings. Pass <c>static (section, o) =&gt; section.Bind(o)</c> from the
    /// adapter's own assembly, where the configuration binder source generator sees <typeparamref name="TOptions"/>.</param>
    /// <returns>This builder.</returns>
    public LlmProvidersBuilder BindProviderSettings<TOptions>(Action<IConfiguration, TOptions> bind)
        where TOptions : class
    {
        ArgumentNullException.ThrowIfNull(bind);
        if (Configuration is { } configuration)
        {
            Services.AddSingleton<IConfigureOptions<TOptions>>(new ProviderSettingsBinder<TOptions>(configuration, bind));
        }

        return this;
    }

    /// <summary>Adds a classifier applied to every provider, after the adapter's own and before the shared rules.</summary>
    /// <param name="classifier">The classifier.</param>
    /// <returns>This builder.</returns>
    public LlmProvidersBuilder AddFailureClassifier(ILlmFailureClassifier classifier)
    {
        ArgumentNullException.ThrowIfNull(classifier);
        Services.AddSingleton(classifier);
        return this;
    }

    internal void Register(string name, Func<IServiceProvider, string, LlmProviderOptions, IChatClient>? factory, Action<LlmProviderOptions>? configure)
    {
        var path = $"{ConfigurationPath}:Providers:{name}";
        Services.AddSingleton(new LlmProviderRegistration(name, path, factory));
        var builder = Services.AddOptions<LlmProviderOptions>(name);
        if (configure is not null)
        {
            builder.Configure(configure);
        }

        builder.ValidateOnStart();
        Services.TryAddKeyedSingleton<LlmProvider>(name, static (sp, key) => sp.GetRequiredService<LlmProviderRegistry>().GetProvider((string)key!));
        Services.TryAddKeyedSingleton<IChatClient>(name, static (sp, key) => sp.GetRequiredService<LlmProviderRegistry>().GetProvider((string)key!).Client);
    }

    internal void BindConfiguredProviders()
    {
        if (Configuration is null)
        {
            return;
        }

        foreach (var child in Configuration.GetSection("Providers").GetChildren())
        {
            var name = child.Key;
            Services.AddOptions<LlmProviderOptions>(name).Configure(o => child.Bind(o));
            Register(name, null, null);
            var path = $"{ConfigurationPath}:Providers:{name}";
            Services.AddSingleton<IOptionsChangeTokenSource<LlmProviderOptions>>(sp => new ValidatedOptionsChangeTokenSource<LlmProviderOptions>(name, child, path, sp));
        }
    }

    internal void AddCore()
    {
        var services = Services;
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(new LlmConfigurationPath(ConfigurationPath));
        LlmHttpClientServiceCollectionExtensions.AddLlmHttpClientDefaults(services);
        services.TryAddSingleton(sp => new LlmProviderRegistry(
            sp,
            sp.GetServices<LlmProviderRegistration>(),
            sp.GetServices<LlmProviderTypeRegistration>(),
            sp.GetServices<ILlmFailureClassifier>(),
            sp.GetRequiredService<IOptionsMonitor<LlmProviderOptions>>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<Microsoft.Extensions.Logging.ILoggerFactory>()));
        services.TryAddSingleton(sp => new LlmRetryBudget(sp.GetRequiredService<IOptions<LlmRetryBudgetOptions>>().Value, sp.GetRequiredService<TimeProvider>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<LlmProviderOptions>, LlmProviderOptionsValidator>());
        var fallbackPrefix = $"{ConfigurationPath}:Fallback";
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<FallbackOptions>, FallbackOptionsValidator>(
            sp => new FallbackOptionsValidator(fallbackPrefix, sp.GetServices<LlmProviderRegistration>())));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<LlmRetryBudgetOptions>>(new LlmRetryBudgetOptionsValidator($"{ConfigurationPath}:RetryBudget")));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<LlmProviderTypeCheck>, LlmProviderTypeValidator>());
        var fallback = services.AddOptions<FallbackOptions>();
        var budget = services.AddOptions<LlmRetryBudgetOptions>();
        if (Configuration is not null)
        {
            // Bound without the stock change source: reloads are announced only once they validate.
            var fallbackSection = Configuration.GetSection("Fallback");
            var budgetSection = Configuration.GetSection("RetryBudget");
            fallback.Configure(o => fallbackSection.Bind(o));
            budget.Configure(o => budgetSection.Bind(o));
            var budgetPath = $"{ConfigurationPath}:RetryBudget";
            services.AddSingleton<IOptionsChangeTokenSource<FallbackOptions>>(sp => new ValidatedOptionsChangeTokenSource<FallbackOptions>(Options.DefaultName, fallbackSection, fallbackPrefix, sp));
            services.AddSingleton<IOptionsChangeTokenSource<LlmRetryBudgetOptions>>(sp => new ValidatedOptionsChangeTokenSource<LlmRetryBudgetOptions>(Options.DefaultName, budgetSection, budgetPath, sp));
        }

        fallback.ValidateOnStart();
        budget.ValidateOnStart();
        services.AddOptions<LlmProviderTypeCheck>().ValidateOnStart();
    }
}

/// <summary>The configuration path the providers were bound from (for example <c>Llm</c>), for messages that name keys.</summary>
internal sealed record LlmConfigurationPath(string Path);

/// <summary>Binds named settings <c>name</c> from <c>Providers:name</c> of the LLM configuration.</summary>
internal sealed class ProviderSettingsBinder<TOptions>(IConfiguration configuration, Action<IConfiguration, TOptions> bind) : IConfigureNamedOptions<TOptions>
    where TOptions : class
{
    public void Configure(string? name, TOptions options)
    {
        if (!string.IsNullOrEmpty(name))
        {
            bind(configuration.GetSection("Providers").GetSection(name), options);
        }
    }

    public void Configure(TOptions options) => Configure(Options.DefaultName, options);
}
