using LlmFallback;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.AI;

/// <summary>Adds the routing stage to a <see cref="ChatClientBuilder"/> pipeline.</summary>
public static class LlmRoutingChatClientBuilderExtensions
{
    /// <summary>
    /// Adds routing just outside the fallback stage (call it before <c>UseFallback</c> on the builder): each request gets
    /// the plan of its route. Routes come from <c>AddLlmRouting</c> (configuration <c>Llm:Routes</c> and <c>Llm:Routing</c>)
    /// and <paramref name="configure"/>; providers from <c>AddLlmProviders</c>; a registered <see cref="ILlmRouteClassifier"/>
    /// is used after the rules.
    /// </summary>
    /// <param name="builder">The pipeline builder.</param>
    /// <param name="configure">Adjusts the routing options for this pipeline.</param>
    /// <returns>The builder.</returns>
    public static ChatClientBuilder UseRouting(this ChatClientBuilder builder, Action<RoutingOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Use((inner, services) =>
        {
            var registry = services.GetService<LlmProviderRegistry>()
                ?? throw new InvalidOperationException("LlmFallback providers are not registered: call services.AddLlmProviders(...) first.");
            var options = services.GetService<IOptions<RoutingOptions>>()?.Value ?? new RoutingOptions();
            if (configure is not null)
            {
                var copy = new RoutingOptions();
                Copy(options, copy);
                configure(copy);
                options = copy;
            }

            var root = services.GetService<LlmConfigurationPath>()?.Path ?? "Llm";
            return new LlmRoutingChatClient(
                inner,
                registry.Providers,
                options,
                services.GetService<ILlmRouteClassifier>(),
                services.GetService<TimeProvider>(),
                services.GetService<ILoggerFactory>(),
                root);
        });
    }

    /// <summary>A per-pipeline copy, so one pipeline's adjustments never change the options other pipelines read.</summary>
    private static void Copy(RoutingOptions from, RoutingOptions to)
    {
        foreach (var (name, route) in from.Routes)
        {
            to.Routes[name] = route;
        }

        to.DefaultRoute = from.DefaultRoute;
        to.Rules = [.. from.Rules];
        to.Complexity = from.Complexity;
        to.ModelGroupStrategy = from.ModelGroupStrategy;
        to.DefaultOutputTokens = from.DefaultOutputTokens;
        to.ContextWindowFallbacks = [.. from.ContextWindowFallbacks];
    }
}
