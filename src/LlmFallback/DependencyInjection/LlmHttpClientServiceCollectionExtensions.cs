using LlmFallback;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http;
using Microsoft.Extensions.Options;

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
    /// <remarks>
    /// The settings apply to every client named <c>LlmFallback.&lt;provider&gt;</c>, once, however many times this is
    /// called and even for a client an adapter creates without calling it; this method only returns the builder.
    /// </remarks>
    /// <param name="services">The services.</param>
    /// <param name="providerName">The provider's name.</param>
    /// <returns>The client builder, for the application's own handlers.</returns>
    public static IHttpClientBuilder AddLlmHttpClient(this IServiceCollection services, string providerName)
    {
        ArgumentNullException.ThrowIfNull(services);
        var name = GetLlmHttpClientName(providerName);
        AddLlmHttpClientDefaults(services);
        return services.AddHttpClient(name);
    }

    /// <summary>Applies the LLM client settings to every <c>LlmFallback.*</c> named client.</summary>
    internal static void AddLlmHttpClientDefaults(IServiceCollection services)
    {
        services.AddHttpClient();
        services.TryAddSingleton(LlmReplicaPools.Create);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<HttpClientFactoryOptions>, LlmHttpClientOptionsSetup>());
    }

    private sealed class LlmHttpClientOptionsSetup : IConfigureNamedOptions<HttpClientFactoryOptions>
    {
        private const string Prefix = "LlmFallback.";

        public void Configure(string? name, HttpClientFactoryOptions options)
        {
            if (name is null || !name.StartsWith(Prefix, StringComparison.Ordinal) || name.Length == Prefix.Length)
            {
                return;
            }

            var providerName = name[Prefix.Length..];
            options.HttpClientActions.Add(static c => c.Timeout = Timeout.InfiniteTimeSpan);
            options.HttpMessageHandlerBuilderActions.Add(b =>
                b.AdditionalHandlers.Add(new ReplicaPoolHandler(b.Services.GetRequiredService<LlmReplicaPools>().GetSlot(providerName))));
        }

        public void Configure(HttpClientFactoryOptions options)
        {
        }
    }
}
