using LlmFallback.LocalEmbeddings;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the local MiniLM embedding generator.</summary>
public static class LocalEmbeddingsServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="MiniLmEmbeddingGenerator"/> as the singleton <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/>
    /// of strings (unless one is registered already), for the semantic cache and router.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="maxBatchSize">The most texts encoded in one model run.</param>
    /// <returns>The services.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxBatchSize"/> is less than 1.</exception>
    public static IServiceCollection AddLocalEmbeddings(this IServiceCollection services, int maxBatchSize = 32)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatchSize, 1);
        services.TryAddSingleton(_ => new MiniLmEmbeddingGenerator(maxBatchSize));
        services.TryAddSingleton<IEmbeddingGenerator<string, Embedding<float>>>(static sp => sp.GetRequiredService<MiniLmEmbeddingGenerator>());
        return services;
    }
}
