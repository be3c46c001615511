using System.Runtime.CompilerServices;
using LlmFallback;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers LlmFallback providers and fallback chat clients.</summary>
public static class LlmFallbackServiceCollectionExtensions
{
    /// <summary>
    /// Registers the providers declared under <c>Providers</c> of <paramref name="configuration"/> (usually the
    /// <c>Llm</c> section), and binds <c>Fallback</c> and <c>RetryBudget</c>. Every provider becomes a keyed
    /// <see cref="IChatClient"/> and a keyed <see cref="LlmProvider"/>; options are validated at start.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The section holding <c>Providers</c>, <c>Fallback</c> and <c>RetryBudget</c>.</param>
    /// <returns>A builder to add providers and adapter types in code.</returns>
    public static LlmProvidersBuilder AddLlmProviders(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var path = configuration is IConfigurationSection section ? section.Path : "Llm";
        var builder = new LlmProvidersBuilder(services, configuration, path);
        builder.AddCore();
        builder.BindConfiguredProviders();
        return builder;
    }

    /// <summary>Registers the LlmFallback services without configuration; add providers in code on the returned builder.</summary>
    /// <param name="services">The services.</param>
    /// <returns>A builder to add providers and adapter types.</returns>
    public static LlmProvidersBuilder AddLlmProviders(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        var builder = new LlmProvidersBuilder(services, null, "Llm");
        builder.AddCore();
        return builder;
    }

    /// <summary>
    /// Registers the application's <see cref="IChatClient"/> (a singleton) as a fallback over <paramref name="chain"/>
    /// (or, when empty, over <c>Llm:Fallback:Chain</c>). Add outer stages on the returned builder.
    /// </summary>
    /// <param name="services">The services; <c>AddLlmProviders</c> must have been called.</param>
    /// <param name="chain">The provider names, in order; overrides the configured chain when not empty.</param>
    /// <returns>The pipeline builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> or <paramref name="chain"/> is <see langword="null"/>.</exception>
    public static ChatClientBuilder AddFallbackChatClient(this IServiceCollection services, params string[] chain) =>
        AddFallbackChatClient(services, configure: null, chain);

    /// <summary>
    /// Registers the application's <see cref="IChatClient"/> (a singleton) as a fallback configured by
    /// <c>Llm:Fallback</c>, then <paramref name="configure"/>, over <paramref name="chain"/> when it is not empty.
    /// </summary>
    /// <param name="services">The services; <c>AddLlmProviders</c> must have been called.</param>
    /// <param name="configure">
    /// Adjusts this client's options after configuration is applied, again on every reload; <see langword="null"/> for
    /// none. The options other fallback clients and <c>IOptions&lt;FallbackOptions&gt;</c> see are not changed.
    /// </param>
    /// <param name="chain">The provider names, in order; overrides the configured chain when not empty.</param>
    /// <returns>The pipeline builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> or <paramref name="chain"/> is <see langword="null"/>.</exception>
    /// <remarks>A bare <see langword="null"/> argument binds here, as no adjustment: <c>AddFallbackChatClient(null)</c> is <c>AddFallbackChatClient()</c>.</remarks>
    [OverloadResolutionPriority(1)]
    public static ChatClientBuilder AddFallbackChatClient(this IServiceCollection services, Action<FallbackOptions>? configure, params string[] chain)
    {
        ArgumentNullException.ThrowIfNull(services);
        var names = ChainOverride(chain);
        return services.AddChatClient(sp => CreateFallbackClient(sp, primary: null, ownsPrimary: false, names, configure));
    }

    /// <summary>
    /// Registers a keyed <see cref="IChatClient"/> (a singleton) as a fallback over <paramref name="chain"/> (or, when
    /// empty, over <c>Llm:Fallback:Chain</c>), beside the application's other chat clients. Add outer stages on the
    /// returned builder.
    /// </summary>
    /// <param name="services">The services; <c>AddLlmProviders</c> must have been called.</param>
    /// <param name="serviceKey">The key the client is resolved with.</param>
    /// <param name="chain">The provider names, in order; overrides the configured chain when not empty.</param>
    /// <returns>The pipeline builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> or <paramref name="chain"/> is <see langword="null"/>.</exception>
    public static ChatClientBuilder AddKeyedFallbackChatClient(this IServiceCollection services, object? serviceKey, params string[] chain) =>
        AddKeyedFallbackChatClient(services, serviceKey, configure: null, chain);

    /// <summary>
    /// Registers a keyed <see cref="IChatClient"/> (a singleton) as a fallback configured by <c>Llm:Fallback</c>, then
    /// <paramref name="configure"/>, over <paramref name="chain"/> when it is not empty.
    /// </summary>
    /// <param name="services">The services; <c>AddLlmProviders</c> must have been called.</param>
    /// <param name="serviceKey">The key the client is resolved with.</param>
    /// <param name="configure">Adjusts this client's options after configuration is applied, again on every reload; <see langword="null"/> for none.</param>
    /// <param name="chain">The provider names, in order; overrides the configured chain when not empty.</param>
    /// <returns>The pipeline builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> or <paramref name="chain"/> is <see langword="null"/>.</exception>
    /// <remarks>A bare <see langword="null"/> argument after the key binds here, as no adjustment.</remarks>
    [OverloadResolutionPriority(1)]
    public static ChatClientBuilder AddKeyedFallbackChatClient(this IServiceCollection services, object? serviceKey, Action<FallbackOptions>? configure, params string[] chain)
    {
        ArgumentNullException.ThrowIfNull(services);
        var names = ChainOverride(chain);
        return services.AddKeyedChatClient(serviceKey, sp => CreateFallbackClient(sp, primary: null, ownsPrimary: false, names, configure));
    }

    /// <summary>Copies the names given in code; <see langword="null"/> when there are none, so the configured chain applies.</summary>
    internal static string[]? ChainOverride(string[] chain, [CallerArgumentExpression(nameof(chain))] string? paramName = null)
    {
        ArgumentNullException.ThrowIfNull(chain, paramName);
        return chain.Length == 0 ? null : [.. chain];
    }

    /// <summary>
    /// Makes a fallback stage from DI and follows reloads of <see cref="FallbackOptions"/> until it is disposed.
    /// <paramref name="configure"/> adjusts a copy of the options made for this stage alone, at creation and on every reload.
    /// </summary>
    internal static FallbackChatClient CreateFallbackClient(IServiceProvider services, LlmProvider? primary, bool ownsPrimary, IList<string>? chainOverride, Action<FallbackOptions>? configure)
    {
        var registry = services.GetService<LlmProviderRegistry>()
            ?? throw new InvalidOperationException("LlmFallback providers are not registered: call services.AddLlmProviders(...) first.");
        var monitor = services.GetRequiredService<IOptionsMonitor<FallbackOptions>>();
        var factory = configure is null ? null : services.GetRequiredService<IOptionsFactory<FallbackOptions>>();
        var options = Configured(monitor.CurrentValue, factory, configure);
        var loggerFactory = services.GetService<ILoggerFactory>();
        var prefix = (services.GetService<LlmConfigurationPath>()?.Path ?? "Llm") + ":Fallback";
        var chainKey = chainOverride is null ? prefix + ":Chain" : "chain";
        var chain = Chain(registry, primary, chainOverride ?? options.Chain, chainKey);
        var client = new FallbackChatClient(
            chain,
            options,
            services.GetRequiredService<LlmRetryBudget>(),
            services.GetRequiredService<TimeProvider>(),
            loggerFactory,
            ownsPrimary ? primary!.Client : null,
            prefix);

        var logger = loggerFactory?.CreateLogger("LlmFallback.Fallback");

        // The stage ends the subscription when it is disposed: the monitor must not keep a scoped or transient
        // client (and what it holds) alive, nor reconfigure it, after its scope ended.
        client.OwnSubscription(monitor.OnChange(updated =>
        {
            try
            {
                var reloaded = Configured(updated, factory, configure);
                client.Reconfigure(Chain(registry, primary, chainOverride ?? reloaded.Chain, chainKey), reloaded, prefix);
            }
            catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or OptionsValidationException)
            {
                if (logger is not null)
                {
                    LlmFallback.Log.OptionsReloadRejected(logger, ex.Message);
                }
            }
        }));
        return client;
    }

    /// <summary>The shared options, or with a stage's own adjustment a fresh instance bound the same way (the factory makes a new one per call) and then adjusted.</summary>
    private static FallbackOptions Configured(FallbackOptions shared, IOptionsFactory<FallbackOptions>? factory, Action<FallbackOptions>? configure)
    {
        if (configure is null)
        {
            return shared;
        }

        var options = factory!.Create(Microsoft.Extensions.Options.Options.DefaultName);
        configure(options);
        return options;
    }

    private static List<LlmProvider> Chain(LlmProviderRegistry registry, LlmProvider? primary, IList<string> names, string chainKey)
    {
        var chain = registry.GetChain(names, chainKey);
        if (primary is not null)
        {
            chain.RemoveAll(p => ReferenceEquals(p, primary));
            chain.Insert(0, primary);
        }

        if (chain.Count == 0)
        {
            throw new InvalidOperationException($"{chainKey} is empty: name the providers to try, in code (AddFallbackChatClient(\"a\", \"b\")) or in configuration.");
        }

        return chain;
    }
}
