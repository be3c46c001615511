using System.Collections.Concurrent;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LlmFallback;

/// <summary>
/// Where the caching stage keeps answers: a <see cref="HybridCache"/> (memory, plus the registered
/// <c>IDistributedCache</c> such as Redis), with expiry checked against an injected <see cref="TimeProvider"/> and
/// invalidation by tag, namespace, route or tenant. A failing cache never fails a request: the operation is logged
/// and the request goes on uncached.
/// </summary>
public sealed class LlmResponseCache
{
    private const string TagPrefix = "llmfb:";
    private static readonly HybridCacheEntryOptions ReadOnly = new() { Flags = HybridCacheEntryFlags.DisableUnderlyingData };

    private readonly HybridCache _cache;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<TimeSpan, HybridCacheEntryOptions> _entryOptions = new();

    /// <summary>Initializes a new instance of the <see cref="LlmResponseCache"/> class.</summary>
    /// <param name="cache">The hybrid cache; register it with <c>AddLlmCaching</c> so entries serialise without reflection.</param>
    /// <param name="timeProvider">The clock entries expire by; <see langword="null"/> for the system clock.</param>
    /// <param name="loggerFactory">The logger factory; <see langword="null"/> logs nothing.</param>
    /// <exception cref="ArgumentNullException"><paramref name="cache"/> is <see langword="null"/>.</exception>
    public LlmResponseCache(HybridCache cache, TimeProvider? timeProvider = null, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(cache);
        _cache = cache;
        _time = timeProvider ?? TimeProvider.System;
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger("LlmFallback.Caching");
    }

    /// <summary>Removes every entry stored with <paramref name="tag"/> (see <c>WithCacheTags</c>).</summary>
    /// <param name="tag">The tag.</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>A task that completes when the entries are invalid.</returns>
    /// <exception cref="ArgumentException"><paramref name="tag"/> is <see langword="null"/> or blank.</exception>
    public ValueTask InvalidateTagAsync(string tag, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tag);
        return _cache.RemoveByTagAsync(UserTag(tag), cancellationToken);
    }

    /// <summary>Removes every entry of a namespace.</summary>
    /// <param name="cacheNamespace">The namespace.</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>A task that completes when the entries are invalid.</returns>
    /// <exception cref="ArgumentException"><paramref name="cacheNamespace"/> is <see langword="null"/> or blank.</exception>
    public ValueTask InvalidateNamespaceAsync(string cacheNamespace, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(cacheNamespace);
        return _cache.RemoveByTagAsync(NamespaceTag(cacheNamespace), cancellationToken);
    }

    /// <summary>Removes every entry of a route (the requests' <c>WithRoute</c>, else their <c>ChatOptions.ModelId</c>).</summary>
    /// <param name="route">The route.</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>A task that completes when the entries are invalid.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="route"/> is <see langword="null"/>.</exception>
    public ValueTask InvalidateRouteAsync(string route, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(route);
        return _cache.RemoveByTagAsync(RouteTag(route), cancellationToken);
    }

    /// <summary>Removes every entry stored for a tenant (requests made <c>WithTenant(tenantId)</c>).</summary>
    /// <param name="tenantId">The tenant id.</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>A task that completes when the entries are invalid.</returns>
    /// <exception cref="ArgumentException"><paramref name="tenantId"/> is <see langword="null"/> or blank.</exception>
    public ValueTask InvalidateTenantAsync(string tenantId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tenantId);
        return _cache.RemoveByTagAsync(TenantTag(tenantId), cancellationToken);
    }

    internal TimeProvider Time => _time;

    internal ILogger Logger => _logger;

    internal static string UserTag(string tag) => TagPrefix + "tag:" + tag;

    internal static string NamespaceTag(string ns) => TagPrefix + "ns:" + ns;

    internal static string RouteTag(string route) => TagPrefix + "route:" + route;

    /// <summary>Tenant ids are hashed: tags are stored in the distributed cache next to the keys.</summary>
    internal static string TenantTag(string tenantId)
    {
        Span<byte> hash = stackalloc byte[32];
        System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(tenantId), hash);
        return TagPrefix + "tenant:" + KeyWriter.Encode(hash);
    }

    /// <summary>Reads an entry; a miss, an expired entry and a failing cache all return <see langword="null"/>.</summary>
    internal async ValueTask<CachedChatEntry?> GetAsync(string key, CancellationToken cancellationToken)
    {
        CachedChatEntry? entry;
        try
        {
            entry = await _cache.GetOrCreateAsync(key, 0, static (_, _) => default(ValueTask<CachedChatEntry?>), ReadOnly, null, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && ex is not OutOfMemoryException)
        {
            Failed("read", ex);
            return null;
        }

        return entry is null || entry.IsExpired(_time) ? null : entry;
    }

    /// <summary>Stores an entry; returns <see langword="false"/> (after logging) if the cache failed.</summary>
    internal async ValueTask<bool> SetAsync(string key, CachedChatEntry entry, TimeSpan timeToLive, string[] tags, CancellationToken cancellationToken)
    {
        var options = _entryOptions.GetOrAdd(timeToLive, static ttl => new HybridCacheEntryOptions { Expiration = ttl, LocalCacheExpiration = ttl });
        try
        {
            await _cache.SetAsync(key, entry, options, tags, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && ex is not OutOfMemoryException)
        {
            Failed("write", ex);
            return false;
        }
    }

    internal async ValueTask RemoveAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            await _cache.RemoveAsync(key, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && ex is not OutOfMemoryException)
        {
            Failed("remove", ex);
        }
    }

    private void Failed(string operation, Exception ex)
    {
        CacheMetrics.Error(operation);
        CacheLog.Unavailable(_logger, operation, ex.GetType().Name);
    }
}
