using Microsoft.Extensions.AI;

namespace LlmFallback;

/// <summary>
/// Answers repeated requests from the cache: first by exact key (normalised messages plus every option that changes
/// the answer, scoped to the tenant and user), then, when enabled, by meaning (an embedding of the final user message
/// within the same partition, checked by lexical guards). Concurrent identical misses make one upstream call. Errors,
/// truncated or filtered answers, answers other stages marked, and (by default) tool calls are never stored; a stream is
/// stored only once it completed and is replayed as a stream. Hits carry <see cref="LlmCallInfo.CacheHit"/>.
/// </summary>
/// <remarks>
/// Not built on Microsoft.Extensions.AI's <c>CachingChatClient</c>: its sealed flow reads, calls and writes in one method
/// with no room for stampede protection, semantic lookup, tags or the never-store rules, and it hashes every request
/// by serialising it to JSON.
/// </remarks>
public sealed partial class LlmCachingChatClient : DelegatingChatClient
{
    private readonly LlmResponseCache _cache;
    private readonly LlmCachingOptions _options;
    private readonly Dictionary<string, TimeSpan> _routeTimeToLive;
    private readonly SemanticCache? _semantic;
    private readonly InMemorySemanticCacheIndex? _ownedIndex;
    private readonly InFlightCalls _flights = new();
    private readonly CacheStores _stores;
    private CostMeteringChatClient? _metering;
    private bool _meteringLooked;

    /// <summary>Initializes a new instance of the <see cref="LlmCachingChatClient"/> class.</summary>
    /// <param name="innerClient">The client misses go to.</param>
    /// <param name="cache">Where answers are kept.</param>
    /// <param name="options">How to key, store and find answers; <see langword="null"/> for the defaults.</param>
    /// <param name="embeddingGenerator">Embeds prompts for the semantic cache; required when <see cref="LlmSemanticCacheOptions.Enabled"/>.</param>
    /// <param name="semanticIndex">Where prompt embeddings are kept; <see langword="null"/> for an in-memory index of <see cref="LlmSemanticCacheOptions.MaxEntries"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="innerClient"/> or <paramref name="cache"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="options"/> holds an invalid value, or the semantic cache is enabled without an embedding generator.</exception>
    public LlmCachingChatClient(
        IChatClient innerClient,
        LlmResponseCache cache,
        LlmCachingOptions? options = null,
        IEmbeddingGenerator<string, Embedding<float>>? embeddingGenerator = null,
        ILlmSemanticCacheIndex? semanticIndex = null)
        : base(innerClient)
    {
        ArgumentNullException.ThrowIfNull(cache);
        _options = options ?? new LlmCachingOptions();
        var errors = new List<string>();
        LlmCachingOptionsValidator.Validate(_options, LlmCachingOptionsValidator.DefaultPath, errors);
        LlmOptionsValidation.ThrowIfAny(errors, nameof(options));
        _cache = cache;
        _routeTimeToLive = new(_options.RouteTimeToLive, StringComparer.OrdinalIgnoreCase);
        if (_options.Semantic.Enabled)
        {
            if (embeddingGenerator is null)
            {
                throw new ArgumentException($"{LlmCachingOptionsValidator.DefaultPath}:Semantic:Enabled is true but no embedding generator was given: register an IEmbeddingGenerator<string, Embedding<float>> (for example AddLocalEmbeddings()) or turn the semantic cache off.", nameof(embeddingGenerator));
            }

            _ownedIndex = semanticIndex is null ? new InMemorySemanticCacheIndex(_options.Semantic.MaxEntries, cache.Time) : null;
            _semantic = new SemanticCache(embeddingGenerator, semanticIndex ?? _ownedIndex!, _options.Semantic, cache);
        }

        _stores = new CacheStores(cache, _semantic);
    }

    /// <summary>Gets the identical calls in flight (tests wait for requests to be parked on a leader).</summary>
    internal InFlightCalls Flights => _flights;

    /// <inheritdoc/>
    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        messages = LlmMessages.Validate(messages);
        var lookup = await LookupAsync(messages, options, cancellationToken).ConfigureAwait(false);
        if (lookup.Hit is { } hit)
        {
            return hit;
        }

        if (lookup.Bypass)
        {
            return await base.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        }

        CachedChatEntry? stored = null;
        try
        {
            var response = await base.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
            if (!lookup.NoStore)
            {
                stored = await StoreAsync(lookup, options, response, response.GetLlmCallInfo(), response).ConfigureAwait(false);
            }

            return response;
        }
        finally
        {
            EndFlight(lookup.Flight, stored, cancellationToken);
        }
    }

    /// <inheritdoc/>
    public override object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is null && serviceType == typeof(LlmResponseCache) ? _cache : base.GetService(serviceType, serviceKey);
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _ownedIndex?.Dispose();
        }

        base.Dispose(disposing);
    }

    private TimeSpan TimeToLive(string route) =>
        route.Length > 0 && _routeTimeToLive.Count > 0 && _routeTimeToLive.TryGetValue(route, out var ttl) ? ttl : _options.DefaultTimeToLive;

    /// <summary>The cost-metering stage inside this one, if any: a hit never reaches it, so it is told what the hit saved.</summary>
    private CostMeteringChatClient? Metering
    {
        get
        {
            if (!Volatile.Read(ref _meteringLooked))
            {
                _metering = InnerClient.GetService<CostMeteringChatClient>();
                Volatile.Write(ref _meteringLooked, true);
            }

            return _metering;
        }
    }
}
