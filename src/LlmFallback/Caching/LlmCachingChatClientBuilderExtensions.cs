using LlmFallback;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.AI;

/// <summary>Adds the caching stage to a <see cref="ChatClientBuilder"/> pipeline.</summary>
public static class LlmCachingChatClientBuilderExtensions
{
    /// <summary>
    /// Adds <see cref="LlmCachingChatClient"/>. The cache, options (<c>Llm:Caching</c>), embedding generator and semantic
    /// index are resolved from the services (<c>AddLlmCaching</c>) unless given here.
    /// </summary>
    /// <param name="builder">The pipeline builder.</param>
    /// <param name="cache">The cache; <see langword="null"/> to resolve it from the services.</param>
    /// <param name="configure">Sets the options in code, starting from the defaults, instead of the registered options.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    public static ChatClientBuilder UseCaching(this ChatClientBuilder builder, LlmResponseCache? cache = null, Action<LlmCachingOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Use((inner, services) =>
        {
            var responseCache = cache ?? services.GetService<LlmResponseCache>()
                ?? throw new InvalidOperationException("The LlmFallback response cache is not registered: call services.AddLlmCaching(...) first, or pass a cache to UseCaching.");
            LlmCachingOptions options;
            if (configure is null)
            {
                options = services.GetService<IOptions<LlmCachingOptions>>()?.Value ?? new LlmCachingOptions();
            }
            else
            {
                options = new LlmCachingOptions();
                configure(options);
            }

            var generator = options.Semantic.Enabled ? services.GetService<IEmbeddingGenerator<string, Embedding<float>>>() : null;
            var index = options.Semantic.Enabled ? services.GetService<ILlmSemanticCacheIndex>() : null;
            return new LlmCachingChatClient(inner, responseCache, options, generator, index);
        });
    }
}
