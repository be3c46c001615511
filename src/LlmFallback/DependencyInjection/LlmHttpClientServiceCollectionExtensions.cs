using LlmFallback;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>The named <see cref="HttpClient"/> every HTTP-based adapter uses for a provider.</summary>
public static class LlmHttpClientServiceCollectionExtensions
{
    /// <summary>Gets the name of a provider's <see cref="HttpClient"/> in <see cref="IHttpClientFactory"/>: <c>LlmFallback.&lt;provider&gt;</c>.</summary>
    /// <param name="providerName">The provider's name.</param>
    /// <returns>The client name; add handlers, proxies or certificates to it with <c>services.AddHttpClient(name)</c>.</returns>
    public static string GetLlmHttpClientName(string providerName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(providerName);
        return "LlmFallback." + providerName;
    }

    /// <summary>
    /// Registers a provider's named <see cref="HttpClient"/>: no client-level timeout (attempt, first-token and idle
    /// timeouts belong to the provider's attempt policy, so long streams are not cut at 100 s), no retry handler (the
    /// attempt policy is the only retry layer), and the replica pool when the provider has replicas (its state lives in
    /// the singleton <see cref="LlmReplicaPools"/>, so it survives the factory's handler recycling).
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="providerName">The provider's name.</param>
    /// <returns>The client builder, for the application's own handlers.</returns>
    public static IHttpClientBuilder AddLlmHttpClient(this IServiceCollection services, string providerName)
    {
        ArgumentNullException.ThrowIfNull(services);
        var name = GetLlmHttpClientName(providerName);
        services.TryAddSingleton(LlmReplicaPools.Create);
        return services.AddHttpClient(name)
            .ConfigureHttpClient(c => c.Timeout = Timeout.InfiniteTimeSpan)
            .AddHttpMessageHandler(sp => new ReplicaPoolHandler(sp.GetRequiredService<LlmReplicaPools>().GetSlot(providerName)));
    }
}
