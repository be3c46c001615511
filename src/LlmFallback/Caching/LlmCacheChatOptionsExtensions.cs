using Microsoft.Extensions.AI;

namespace LlmFallback;

/// <summary>
/// Per-request cache controls, stored in <see cref="ChatOptions.AdditionalProperties"/> under <c>llmfallback.cache.*</c>
/// keys (never part of a cache key, never sent to a provider).
/// </summary>
public static class LlmCacheChatOptionsExtensions
{
    internal const string NoCacheKey = "llmfallback.cache.no_cache";
    internal const string NoStoreKey = "llmfallback.cache.no_store";
    internal const string NamespaceKey = "llmfallback.cache.namespace";
    internal const string TagsKey = "llmfallback.cache.tags";
    internal const string RawRepresentationKey = "llmfallback.cache.raw_representation_key";

    private static readonly object True = true;

    /// <summary>Skips the cache lookup for this request (the fresh answer is still stored, refreshing the entry).</summary>
    /// <param name="options">The options, changed in place.</param>
    /// <returns><paramref name="options"/>, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    public static ChatOptions WithNoCache(this ChatOptions options) => Set(options, NoCacheKey, True);

    /// <summary>Keeps this request's answer out of the cache (a stored answer may still be returned).</summary>
    /// <param name="options">The options, changed in place.</param>
    /// <returns><paramref name="options"/>, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    public static ChatOptions WithNoStore(this ChatOptions options) => Set(options, NoStoreKey, True);

    /// <summary>Reads and writes this request's entry in <paramref name="cacheNamespace"/> instead of the configured namespace.</summary>
    /// <param name="options">The options, changed in place.</param>
    /// <param name="cacheNamespace">The namespace.</param>
    /// <returns><paramref name="options"/>, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="cacheNamespace"/> is <see langword="null"/> or blank.</exception>
    public static ChatOptions WithCacheNamespace(this ChatOptions options, string cacheNamespace)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(cacheNamespace);
        return Set(options, NamespaceKey, cacheNamespace);
    }

    /// <summary>Tags this request's entry, so it can be removed with <see cref="LlmResponseCache.InvalidateTagAsync"/>.</summary>
    /// <param name="options">The options, changed in place.</param>
    /// <param name="tags">The tags.</param>
    /// <returns><paramref name="options"/>, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> or <paramref name="tags"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A tag is <see langword="null"/> or blank.</exception>
    public static ChatOptions WithCacheTags(this ChatOptions options, params string[] tags)
    {
        ArgumentNullException.ThrowIfNull(tags);
        foreach (var tag in tags)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(tag, nameof(tags));
        }

        return Set(options, TagsKey, tags.Clone());
    }

    /// <summary>
    /// Lets a request with a <see cref="ChatOptions.RawRepresentationFactory"/> be cached. A factory is a delegate, so the
    /// cache cannot tell what it sets on the provider's request (reasoning effort, logit bias, a JSON schema...), and
    /// without this such a request is neither looked up nor stored. <paramref name="key"/> stands for what the factory
    /// sets and becomes part of the cache key: give requests whose factories set the same thing the same key, and
    /// requests whose factories set anything different different keys.
    /// </summary>
    /// <param name="options">The options, changed in place.</param>
    /// <param name="key">What the factory sets, for example <c>"effort=high"</c>.</param>
    /// <returns><paramref name="options"/>, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="key"/> is <see langword="null"/> or blank.</exception>
    public static ChatOptions WithCacheRawRepresentationKey(this ChatOptions options, string key)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        return Set(options, RawRepresentationKey, key);
    }

    /// <summary>Gets a value indicating whether <see cref="WithNoCache"/> was set.</summary>
    /// <param name="options">The options, or <see langword="null"/>.</param>
    /// <returns><see langword="true"/> if the lookup is skipped.</returns>
    public static bool GetNoCache(this ChatOptions? options) => Get(options, NoCacheKey) is true;

    /// <summary>Gets a value indicating whether <see cref="WithNoStore"/> was set.</summary>
    /// <param name="options">The options, or <see langword="null"/>.</param>
    /// <returns><see langword="true"/> if the answer is not stored.</returns>
    public static bool GetNoStore(this ChatOptions? options) => Get(options, NoStoreKey) is true;

    /// <summary>Gets the namespace set by <see cref="WithCacheNamespace"/>.</summary>
    /// <param name="options">The options, or <see langword="null"/>.</param>
    /// <returns>The namespace, or <see langword="null"/>.</returns>
    public static string? GetCacheNamespace(this ChatOptions? options) => Get(options, NamespaceKey) as string;

    /// <summary>Gets the key set by <see cref="WithCacheRawRepresentationKey"/>.</summary>
    /// <param name="options">The options, or <see langword="null"/>.</param>
    /// <returns>The key, or <see langword="null"/>.</returns>
    public static string? GetCacheRawRepresentationKey(this ChatOptions? options) => Get(options, RawRepresentationKey) as string;

    /// <summary>Gets the tags set by <see cref="WithCacheTags"/>.</summary>
    /// <param name="options">The options, or <see langword="null"/>.</param>
    /// <returns>The tags; empty if none.</returns>
    public static IReadOnlyList<string> GetCacheTags(this ChatOptions? options) => Get(options, TagsKey) as string[] ?? [];

    private static ChatOptions Set(ChatOptions options, string key, object value)
    {
        ArgumentNullException.ThrowIfNull(options);
        (options.AdditionalProperties ??= [])[key] = value;
        return options;
    }

    private static object? Get(ChatOptions? options, string key) =>
        options?.AdditionalProperties is { Count: > 0 } properties && properties.TryGetValue(key, out var value) ? value : null;
}
