using Microsoft.Extensions.AI;

namespace LlmFallback;

/// <content>Finding an answer: exact key, then meaning, then joining an identical call already in flight.</content>
public sealed partial class LlmCachingChatClient
{
    /// <summary>What the lookup decided: a hit, a bypass, or a miss to call upstream (and maybe store, maybe lead a flight).</summary>
    private readonly record struct Lookup(ChatResponse? Hit, bool Bypass, CacheRequest Request, TimeSpan TimeToLive, SemanticQuery? Query, bool NoStore, InFlightCalls.Flight? Flight)
    {
        public static readonly Lookup Bypassed = new(null, true, default, default, null, true, null);
    }

    private async ValueTask<Lookup> LookupAsync(IEnumerable<ChatMessage> messages, ChatOptions? options, CancellationToken cancellationToken)
    {
        var noCache = options.GetNoCache();
        var noStore = options.GetNoStore();
        if (!_options.Enabled || (noCache && noStore))
        {
            CacheMetrics.Request("bypass", "none");
            return Lookup.Bypassed;
        }

        var request = CacheKeys.Compute(messages, options, _options, options.GetCacheNamespace());
        var ttl = TimeToLive(request.Route);
        if (!request.IsCacheable || ttl <= TimeSpan.Zero)
        {
            CacheMetrics.Request("bypass", "none");
            return Lookup.Bypassed;
        }

        var key = request.ExactKey!;
        if (!noCache && await _cache.GetAsync(key, cancellationToken).ConfigureAwait(false) is { } entry)
        {
            return Hit(entry, key, LlmCacheKind.Exact, null, request, messages, options);
        }

        SemanticQuery? query = null;
        if (_semantic is not null && request.Prompt is { } prompt)
        {
            query = await _semantic.PrepareAsync(prompt, cancellationToken).ConfigureAwait(false);
            if (query is not null && !noCache && await _semantic.FindAsync(request.Partition!, query, cancellationToken).ConfigureAwait(false) is { } found)
            {
                return Hit(found.Entry, found.Key, LlmCacheKind.Semantic, found.Similarity, request, messages, options);
            }
        }

        if (noCache || noStore)
        {
            CacheMetrics.Request("miss", "none");
            return new(null, false, request, ttl, query, noStore, null);
        }

        InFlightCalls.Flight? flight;
        while (!_flights.TryLead(key, out flight))
        {
            var outcome = await flight.WaitAsync(cancellationToken).ConfigureAwait(false);
            if (outcome.Entry is { } shared)
            {
                CacheMetrics.Request("coalesced", "exact");
                return Hit(shared, key, LlmCacheKind.Exact, null, request, messages, options);
            }

            if (!outcome.LeaderGaveUp)
            {
                CacheMetrics.Request("miss", "none");
                return new(null, false, request, ttl, query, false, null);
            }

            // The leader's caller gave up before an answer: lead the call, or wait for whoever does.
        }

        try
        {
            // A previous leader may have stored the answer between this request's read and its taking the lead.
            if (await _cache.GetAsync(key, cancellationToken).ConfigureAwait(false) is { } stored)
            {
                flight.Complete(stored);
                return Hit(stored, key, LlmCacheKind.Exact, null, request, messages, options);
            }
        }
        catch
        {
            EndFlight(flight, null, cancellationToken);
            throw;
        }

        CacheMetrics.Request("miss", "none");
        return new(null, false, request, ttl, query, false, flight);
    }

    /// <summary>Ends a led flight: with the stored entry, or, when the caller gave up before an answer, handing the lead on.</summary>
    private static void EndFlight(InFlightCalls.Flight? flight, CachedChatEntry? stored, CancellationToken cancellationToken, bool stoppedReading = false)
    {
        if (stored is null && (stoppedReading || cancellationToken.IsCancellationRequested))
        {
            flight?.GiveUp();
        }
        else
        {
            flight?.Complete(stored);
        }
    }

    /// <summary>A hit on the entry stored under <paramref name="servedKey"/> (for a semantic hit, another prompt's key: the one a later eviction must remove).</summary>
    private Lookup Hit(CachedChatEntry entry, string servedKey, LlmCacheKind kind, double? similarity, CacheRequest request, IEnumerable<ChatMessage> messages, ChatOptions? options)
    {
        var response = ResponseCopy.ForCaller(entry.Response);
        var info = new LlmCallInfo(entry.Provider ?? "cache", entry.ProviderModel ?? response.ModelId, [], 0, null, false);
        var annotations = info.Annotations;
        annotations.CacheKind = kind;
        annotations.CacheSimilarity = similarity;
        annotations.CacheSavedUsage = entry.Response.Usage;
        annotations.CacheEntry = new CacheEntryRef(_stores, servedKey, request.Partition);
        response.SetLlmCallInfo(info);
        Metering?.RecordCacheHit(response, messages, options);
        CacheMetrics.Hit(kind, similarity);
        CacheLog.Hit(_cache.Logger, kind, similarity);
        return new(response, false, request, default, null, true, null);
    }

    /// <summary>Stores an answer unless a never-store rule applies; returns the entry to share with waiting identical requests.</summary>
    private async ValueTask<CachedChatEntry?> StoreAsync(Lookup lookup, ChatOptions? options, ChatResponse response, LlmCallInfo? info, object answer)
    {
        if (StorePolicy.Reject(response, _options.CacheToolCalls) is { } reason)
        {
            CacheMetrics.Store(reason);
            CacheLog.NotStored(_cache.Logger, reason);
            return null;
        }

        var request = lookup.Request;
        var key = request.ExactKey!;
        var expires = _cache.Time.GetUtcNow().Add(lookup.TimeToLive).ToUnixTimeMilliseconds();
        var entry = new CachedChatEntry(ResponseCopy.ForStore(response), info?.Provider, info?.ModelId, expires);

        // Writes are not cancelled with the caller: the answer exists and a half-written entry helps no one.
        await _cache.SetAsync(key, entry, lookup.TimeToLive, Tags(request, options), CancellationToken.None).ConfigureAwait(false);
        if (_semantic is not null && lookup.Query is { } query)
        {
            await _semantic.AddAsync(request.Partition!, key, query, expires, CancellationToken.None).ConfigureAwait(false);
        }

        LlmCacheResponseExtensions.Remember(info, answer, new CacheEntryRef(_stores, key, request.Partition));
        CacheMetrics.Store("stored");
        return entry;
    }

    private static string[] Tags(CacheRequest request, ChatOptions? options)
    {
        var extra = options.GetCacheTags();
        var tenant = options.GetTenant();
        var tags = new string[2 + (tenant is null ? 0 : 1) + extra.Count];
        tags[0] = LlmResponseCache.NamespaceTag(request.Namespace);
        tags[1] = LlmResponseCache.RouteTag(request.Route);
        var at = 2;
        if (tenant is not null)
        {
            tags[at++] = LlmResponseCache.TenantTag(tenant);
        }

        foreach (var tag in extra)
        {
            tags[at++] = LlmResponseCache.UserTag(tag);
        }

        return tags;
    }
}
