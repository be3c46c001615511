using System.Runtime.CompilerServices;
using LlmFallback;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Microsoft.Extensions.AI;

/// <summary>Adds the fallback stage to a <see cref="ChatClientBuilder"/> pipeline.</summary>
public static class FallbackChatClientBuilderExtensions
{
    /// <summary>
    /// Makes the builder's inner client the first link of a fallback chain followed by <paramref name="fallbacks"/>
    /// (registered provider names; when empty, <c>Llm:Fallback:Chain</c>). If the inner client is a registered
    /// provider's client it keeps that provider's policy and breaker; otherwise it becomes a provider named
    /// <c>primary</c> with the default policy.
    /// </summary>
    /// <param name="builder">The pipeline builder.</param>
    /// <param name="fallbacks">The providers to try after the inner client, in order.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="fallbacks"/> is <see langword="null"/>.</exception>
    public static ChatClientBuilder UseFallback(this ChatClientBuilder builder, params string[] fallbacks) =>
        UseFallback(builder, configure: null, fallbacks);

    /// <summary>
    /// Makes the builder's inner client the first link of a fallback chain followed by <paramref name="fallbacks"/>
    /// (when empty, the configured chain), with this stage's options adjusted by <paramref name="configure"/>.
    /// </summary>
    /// <param name="builder">The pipeline builder.</param>
    /// <param name="configure">
    /// Adjusts this stage's options after <c>Llm:Fallback</c> is applied, again on every reload; <see langword="null"/>
    /// for none. Other stages and <c>IOptions&lt;FallbackOptions&gt;</c> do not see the change.
    /// </param>
    /// <param name="fallbacks">The providers to try after the inner client, in order.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="fallbacks"/> is <see langword="null"/>.</exception>
    /// <remarks>A bare <see langword="null"/> argument binds here, as no adjustment: <c>UseFallback(null)</c> is <c>UseFallback()</c>.</remarks>
    [OverloadResolutionPriority(1)]
    public static ChatClientBuilder UseFallback(this ChatClientBuilder builder, Action<FallbackOptions>? configure, params string[] fallbacks)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var names = LlmFallbackServiceCollectionExtensions.ChainOverride(fallbacks);
        return builder.Use((inner, services) =>
        {
            var registry = services.GetService<LlmProviderRegistry>()
                ?? throw new InvalidOperationException("LlmFallback providers are not registered: call services.AddLlmProviders(...) first.");
            var primary = registry.FindByClient(inner);
            var owns = primary is null;
            primary ??= new LlmProvider("primary", inner, null, null, services.GetService<TimeProvider>() ?? TimeProvider.System, services.GetService<ILoggerFactory>());
            return LlmFallbackServiceCollectionExtensions.CreateFallbackClient(services, primary, owns, names, configure);
        });
    }
}
