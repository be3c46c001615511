using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace LlmFallback;

/// <summary>
/// Lets other stages keep an answer out of the cache. A stage inside the cache (closer to the provider) sets the marker
/// before the answer reaches the cache, which then does not store it. A stage outside it (moderation, which checks the
/// answer after the cache has seen it) calls <see cref="DoNotCacheAsync(ChatResponse, CancellationToken)"/>, which
/// marks the answer and removes the entry it was stored as (or read from).
/// </summary>
public static class LlmCacheResponseExtensions
{
    /// <summary>The <c>AdditionalProperties</c> key of the marker; any value other than <see langword="false"/> counts.</summary>
    public const string DoNotCacheKey = "llmfallback.cache.do_not_cache";

    // Answers that did not pass through the fallback stage have no LlmCallInfo to carry their entry.
    private static readonly ConditionalWeakTable<object, StrongBox<CacheEntryRef>> BareEntries = [];

    /// <summary>Marks an answer that must not be cached, and removes it from the cache if it is already there.</summary>
    /// <param name="response">The answer.</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>A task that completes when the entry is removed.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="response"/> is <see langword="null"/>.</exception>
    public static ValueTask DoNotCacheAsync(this ChatResponse response, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(response);
        (response.AdditionalProperties ??= [])[DoNotCacheKey] = true;
        return EvictAsync(response.GetLlmCallInfo(), response, cancellationToken);
    }

    /// <summary>
    /// Marks a streamed answer that must not be cached. Mark any update before reading the next one and the stream is
    /// not stored; mark the final update (or any update carrying <see cref="LlmCallInfo"/>) after the stream ended and
    /// the stored entry is removed.
    /// </summary>
    /// <param name="update">An update of the stream.</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>A task that completes when the entry is removed.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="update"/> is <see langword="null"/>.</exception>
    public static ValueTask DoNotCacheAsync(this ChatResponseUpdate update, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(update);
        (update.AdditionalProperties ??= [])[DoNotCacheKey] = true;
        return EvictAsync(update.GetLlmCallInfo(), update, cancellationToken);
    }

    internal static bool IsMarked(AdditionalPropertiesDictionary? properties) =>
        properties is { Count: > 0 } && properties.TryGetValue(DoNotCacheKey, out var value) && value is not (null or false);

    /// <summary>Records where an answer is stored, on its call info if it has one, else on the answer object itself.</summary>
    internal static void Remember(LlmCallInfo? info, object answer, CacheEntryRef entry)
    {
        if (info is not null)
        {
            info.Annotations.CacheEntry = entry;
        }
        else
        {
            BareEntries.AddOrUpdate(answer, new StrongBox<CacheEntryRef>(entry));
        }
    }

    private static ValueTask EvictAsync(LlmCallInfo? info, object answer, CancellationToken cancellationToken)
    {
        var entry = info?.AnnotationsOrNull?.CacheEntry;
        if (entry is null && BareEntries.TryGetValue(answer, out var box))
        {
            entry = box.Value;
        }

        return entry is { } found ? found.EvictAsync(cancellationToken) : default;
    }
}
