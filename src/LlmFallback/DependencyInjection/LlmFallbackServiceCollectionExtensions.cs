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
    /// Registers the application's <see cref="IChatClient"/> as a fallback over <paramref name="chain"/> (or, when
    /// empty, over <c>Llm:Fallback:Chain</c>). Add outer stages on the returned builder.
    /// </summary>
    /// <param name="services">The services; <c>AddLlmProviders</c> must have been called.</param>
    /// <param name="chain">The provider names, in order; overrides the configured chain when not empty.</param>
    /// <returns>The pipeline builder.</returns>
    public static ChatClientBuilder AddFallbackChatClient(this IServiceCollection services, params string[] chain)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(chain);
        string[]? names = chain.Length == 0 ? null : [.. chain];
        return services.AddChatClient(sp => CreateFallbackClient(sp, primary: null, ownsPrimary: false, names));
    }

    /// <summary>Registers the application's <see cref="IChatClient"/> as a fallback configured by <c>Llm:Fallback</c> and <paramref name="configure"/>.</summary>
    /// <param name="services">The services; <c>AddLlmProviders</c> must have been called.</param>
    /// <param name="configure">Adjusts the options after configuration is applied.</param>
    /// <returns>The pipeline builder.</returns>
    public static ChatClientBuilder AddFallbackChatClient(this IServiceCollection services, Action<FallbackOptions>? configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (configure is not null)
        {
            services.Configure(configure);
        }

        return services.AddChatClient(static sp => CreateFallbackClient(sp, primary: null, ownsPrimary: false, chainOverride: null));
    }

    /// <summary>Makes a fallback stage from DI, and follows reloads of <see cref="FallbackOptions"/>.</summary>
    internal static FallbackChatClient CreateFallbackClient(IServiceProvider services, LlmProvider? primary, bool ownsPrimary, IList<string>? chainOverride)
    {
        var registry = services.GetService<LlmProviderRegistry>()
            ?? throw new InvalidOperationException("LlmFallback providers are not registered: call services.AddLlmProviders(...) first.");
        var monitor = services.GetRequiredService<IOptionsMonitor<FallbackOptions>>();
        var options = monitor.CurrentValue;
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
                client.Reconfigure(Chain(registry, primary, chainOverride ?? updated.Chain, chainKey), updated, prefix);
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
