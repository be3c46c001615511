using LlmFallback;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers routing: routes, rules and classifiers, validated at start.</summary>
public static class RoutingServiceCollectionExtensions
{
    /// <summary>
    /// Registers routing bound from <paramref name="configuration"/> (the LLM section, usually <c>Llm</c>): routes from
    /// <c>Routes</c>, rules and classifier settings from <c>Routing</c>, per-minute limits from <c>Providers:&lt;name&gt;:Limits</c>.
    /// Validated at start against the registered providers. Add the stage with <c>UseRouting()</c>.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The LLM section.</param>
    /// <param name="configure">Adjusts the options after configuration is applied.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddLlmRouting(this IServiceCollection services, IConfiguration configuration, Action<RoutingOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var root = configuration is IConfigurationSection section ? section.Path : "Llm";
        var routing = configuration.GetSection("Routing");
        var options = services.AddOptions<RoutingOptions>().Configure(o =>
        {
            routing.Bind(o);
            RoutesBinder.Bind(configuration, o, root);
        });
        return AddCore(services, options, configure, root);
    }

    /// <summary>Registers routing configured in code. Add the stage with <c>UseRouting()</c>.</summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Sets the routes, rules and classifier.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddLlmRouting(this IServiceCollection services, Action<RoutingOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        return AddCore(services, services.AddOptions<RoutingOptions>(), configure, "Llm");
    }

    /// <summary>
    /// Classifies requests by similarity to the <c>Examples</c> of each route, with the <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/>
    /// registered in the services (see <see cref="EmbeddingRouteClassifier"/>).
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="threshold">The least similarity that picks a route.</param>
    /// <param name="topK">How many most similar examples are averaged per route.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddEmbeddingRouteClassifier(this IServiceCollection services, float threshold = 0.75f, int topK = 1)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddSingleton<ILlmRouteClassifier>(sp => new EmbeddingRouteClassifier(
            sp.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>(),
            sp.GetRequiredService<IOptions<RoutingOptions>>().Value.Routes.Where(static r => r.Value.Examples.Count > 0).ToDictionary(static r => r.Key, static r => (IReadOnlyList<string>)[.. r.Value.Examples]),
            threshold,
            topK));
        return services;
    }

    /// <summary>Classifies requests by asking the registered provider <paramref name="provider"/> (a cheap model) which route's <c>Description</c> fits (see <see cref="LlmJudgeRouteClassifier"/>).</summary>
    /// <param name="services">The services.</param>
    /// <param name="provider">The registered provider that judges.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddLlmJudgeRouteClassifier(this IServiceCollection services, string provider)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(provider);
        services.AddSingleton<ILlmRouteClassifier>(sp => new LlmJudgeRouteClassifier(
            sp.GetRequiredService<LlmProviderRegistry>().GetProvider(provider).Client,
            sp.GetRequiredService<IOptions<RoutingOptions>>().Value.Routes.Where(static r => r.Value.Description is not null).ToDictionary(static r => r.Key, static r => r.Value.Description!)));
        return services;
    }

    private static IServiceCollection AddCore(IServiceCollection services, OptionsBuilder<RoutingOptions> options, Action<RoutingOptions>? configure, string root)
    {
        services.TryAddSingleton(TimeProvider.System);
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RoutingOptions>, RoutingOptionsValidator>(sp => new RoutingOptionsValidator(sp.GetServices<LlmProviderRegistration>(), root)));
        LlmStageMarker.Add(services, LlmStageMarker.Routing);
        return services;
    }
}
