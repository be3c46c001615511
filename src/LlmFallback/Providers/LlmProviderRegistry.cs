using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LlmFallback;

/// <summary>
/// Every provider registered with <c>AddLlmProviders</c>, created once and shared, so that breaker state and
/// cool-downs reflect all traffic to a provider whichever pipeline sent it.
/// </summary>
public sealed class LlmProviderRegistry : IDisposable
{
    private readonly Dictionary<string, LlmProvider> _byName = new(StringComparer.OrdinalIgnoreCase);
    private readonly LlmProvider[] _providers;
    private readonly List<IChatClient> _owned = [];

    internal LlmProviderRegistry(
        IServiceProvider services,
        IEnumerable<LlmProviderRegistration> registrations,
        IEnumerable<LlmProviderTypeRegistration> types,
        IEnumerable<ILlmFailureClassifier> globalClassifiers,
        IOptionsMonitor<LlmProviderOptions> options,
        TimeProvider timeProvider,
        ILoggerFactory? loggerFactory)
    {
        var typeMap = TypeMap(types);

        ILlmFailureClassifier[] shared = [.. globalClassifiers];
        var upstreams = new Dictionary<string, UpstreamState>(StringComparer.OrdinalIgnoreCase);
        // A name may be registered by configuration and again in code; the code-first factory wins, the first
        // registration fixes the order.
        var ordered = new List<LlmProviderRegistration>();
        var index = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        foreach (var registration in registrations)
        {
            if (!index.TryGetValue(registration.Name, out var at))
            {
                index[registration.Name] = ordered.Count;
                ordered.Add(registration);
            }
            else if (registration.Factory is not null)
            {
                ordered[at] = ordered[at] with { Factory = registration.Factory };
            }
        }

        var list = new List<LlmProvider>();
        var declaredLimits = DeclaredLimits(services);
        try
        {
            foreach (var registration in ordered)
            {
                var providerOptions = options.Get(registration.Name);
                if (providerOptions.Limits is null or { IsEmpty: true } && declaredLimits?.Invoke(registration.Name) is { IsEmpty: false } declared)
                {
                    // Limits declared with AddProviderLimits (or read by AddRateLimiting) are the provider's own.
                    providerOptions = providerOptions.Clone();
                    providerOptions.Limits = declared;
                }

                var path = registration.ConfigurationPath;
                Func<IServiceProvider, string, LlmProviderOptions, IChatClient> factory;
                ILlmFailureClassifier? typeClassifier = null;
                if (registration.Factory is not null)
                {
                    factory = registration.Factory;
                    if (providerOptions.Type is { } t && typeMap.TryGetValue(t, out var known))
                    {
                        typeClassifier = known.Classifier?.Invoke(services, registration.Name, providerOptions);
                    }
                }
                else if (providerOptions.Type is null)
                {
                    throw new InvalidOperationException(MissingType(path, typeMap));
                }
                else if (typeMap.TryGetValue(providerOptions.Type, out var type))
                {
                    factory = type.Factory;
                    typeClassifier = type.Classifier?.Invoke(services, registration.Name, providerOptions);
                }
                else
                {
                    throw new InvalidOperationException(UnknownType(path, providerOptions.Type, typeMap));
                }

                var client = factory(services, registration.Name, providerOptions)
                    ?? throw new InvalidOperationException($"The factory of provider '{registration.Name}' returned no client.");
                _owned.Add(client);
                var upstreamName = providerOptions.Upstream ?? registration.Name;
                if (!upstreams.TryGetValue(upstreamName, out var upstream))
                {
                    upstreams[upstreamName] = upstream = new UpstreamState(upstreamName);
                }

                var classifiers = typeClassifier is null ? shared : [typeClassifier, .. shared];
                var provider = new LlmProvider(registration.Name, client, providerOptions, classifiers, timeProvider, loggerFactory, upstream, path);
                _byName[registration.Name] = provider;
                list.Add(provider);
            }
        }
        catch
        {
            // A later factory (or a provider's validation) failed: the clients made so far have no other owner.
            Dispose();
            throw;
        }

        _providers = [.. list];
        if (services.GetService(typeof(ISharedHealthStore)) is ISharedHealthStore health)
        {
            // Set before any call can be made: the registry is not handed out until this constructor returns.
            foreach (var provider in _providers)
            {
                provider.SharedHealth = health;
            }

            SharedHealth = health;
            health.Attach(_providers);
        }
    }

    /// <summary>Gets the store sharing cool-downs and breaker openings with other instances, if one is registered.</summary>
    internal ISharedHealthStore? SharedHealth { get; }

    /// <summary>Gets every registered provider, in registration order.</summary>
    public IReadOnlyList<LlmProvider> Providers => _providers;

    /// <summary>Gets a provider by name (case-insensitive).</summary>
    /// <param name="name">The provider's name.</param>
    /// <returns>The provider.</returns>
    /// <exception cref="ArgumentException">No provider has that name; the message lists those that exist.</exception>
    public LlmProvider GetProvider(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return _byName.TryGetValue(name, out var provider)
            ? provider
            : throw new ArgumentException($"No LLM provider is named '{name}'. Registered providers: {Names()}.", nameof(name));
    }

    /// <summary>Gets a provider by name (case-insensitive), if one exists.</summary>
    /// <param name="name">The provider's name.</param>
    /// <param name="provider">The provider, when found.</param>
    /// <returns><see langword="true"/> if the provider exists.</returns>
    public bool TryGetProvider(string name, [NotNullWhen(true)] out LlmProvider? provider)
    {
        ArgumentNullException.ThrowIfNull(name);
        return _byName.TryGetValue(name, out provider);
    }

    /// <summary>Disposes the clients this registry created.</summary>
    public void Dispose()
    {
        foreach (var client in _owned)
        {
            client.Dispose();
        }

        _owned.Clear();
    }

    internal LlmProvider? FindByClient(IChatClient client)
    {
        foreach (var p in _providers)
        {
            if (ReferenceEquals(p.Client, client))
            {
                return p;
            }
        }

        return null;
    }

    /// <summary>Resolves chain names to providers; unknown names fail with the configuration key that holds them.</summary>
    internal List<LlmProvider> GetChain(IList<string> names, string configurationKey)
    {
        var chain = new List<LlmProvider>(names.Count);
        for (var i = 0; i < names.Count; i++)
        {
            if (!_byName.TryGetValue(names[i], out var provider))
            {
                throw new InvalidOperationException(NotRegistered(configurationKey, i, names[i], _byName.Keys));
            }

            chain.Add(provider);
        }

        return chain;
    }

    /// <summary>The limits declared for a provider outside its options (<c>AddProviderLimits</c>), if any are registered.</summary>
    private static Func<string, LlmProviderLimits?>? DeclaredLimits(IServiceProvider services)
    {
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var registration in services.GetServices<LlmProviderLimitsRegistration>())
        {
            names.Add(registration.Name);
        }

        if (names.Count == 0 || services.GetService<IOptionsMonitor<LlmProviderLimits>>() is not { } limits)
        {
            return null;
        }

        return name => names.Contains(name) ? limits.Get(name) : null;
    }

    private string Names() => _providers.Length == 0 ? "(none)" : string.Join(", ", _byName.Keys);

    /// <summary>The message for a list entry (<c>Chain</c>, <c>ContextWindowFallbacks</c>) that names no registered provider.</summary>
    internal static string NotRegistered(string configurationKey, int index, string name, IReadOnlyCollection<string> registered) =>
        $"{configurationKey}:{index.ToString(System.Globalization.CultureInfo.InvariantCulture)} names provider '{name}', which is not registered. " +
        $"Registered providers: {(registered.Count == 0 ? "(none)" : string.Join(", ", registered))}.";

    /// <summary>The adapter types by name (case-insensitive); a type registered twice keeps the last registration.</summary>
    internal static Dictionary<string, LlmProviderTypeRegistration> TypeMap(IEnumerable<LlmProviderTypeRegistration> types)
    {
        var map = new Dictionary<string, LlmProviderTypeRegistration>(StringComparer.OrdinalIgnoreCase);
        foreach (var type in types)
        {
            map[type.Type] = type;
        }

        return map;
    }

    internal static string MissingType(string path, Dictionary<string, LlmProviderTypeRegistration> types) =>
        $"{path}:Type is required: name the adapter ({KnownTypes(types)}).";

    internal static string UnknownType(string path, string type, Dictionary<string, LlmProviderTypeRegistration> types) =>
        $"{path}:Type '{type}' is not a registered provider type ({KnownTypes(types)}). " +
        "Reference the adapter package and register it, for example with AddOpenAI(), AddAnthropic() or AddGemini() on the LlmProvidersBuilder.";

    private static string KnownTypes(Dictionary<string, LlmProviderTypeRegistration> types) =>
        types.Count == 0 ? "no adapter types are registered" : "registered types: " + string.Join(", ", types.Keys);
}

/// <summary>A provider name added to the registry, with its code-first client factory if it has one.</summary>
internal sealed record LlmProviderRegistration(string Name, string ConfigurationPath, Func<IServiceProvider, string, LlmProviderOptions, IChatClient>? Factory);

/// <summary>An adapter type that configuration can name in <c>Type</c>; its classifier is made once per provider.</summary>
internal sealed record LlmProviderTypeRegistration(
    string Type,
    Func<IServiceProvider, string, LlmProviderOptions, IChatClient> Factory,
    Func<IServiceProvider, string, LlmProviderOptions, ILlmFailureClassifier?>? Classifier);
