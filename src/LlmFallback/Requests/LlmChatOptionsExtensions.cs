using Microsoft.Extensions.AI;

namespace LlmFallback;

/// <summary>
/// Who a request is for: the user, tenant and API key that limits, budgets, cache scoping and audit read. Stored in
/// <see cref="ChatOptions.AdditionalProperties"/> under <c>llmfallback.*</c> keys, which no adapter sends to a provider.
/// </summary>
public static class LlmChatOptionsExtensions
{
    internal const string UserKey = "llmfallback.user";
    internal const string TenantKey = "llmfallback.tenant";
    internal const string ApiKeyIdKey = "llmfallback.api_key_id";

    /// <summary>Sets the end user the request is made for.</summary>
    /// <param name="options">The options, changed in place.</param>
    /// <param name="userId">An opaque, stable user id (not a name or an email address).</param>
    /// <returns><paramref name="options"/>, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="userId"/> is <see langword="null"/> or blank.</exception>
    public static ChatOptions WithUser(this ChatOptions options, string userId) => Set(options, UserKey, userId, nameof(userId));

    /// <summary>Sets the tenant (organisation, customer) the request is made for.</summary>
    /// <param name="options">The options, changed in place.</param>
    /// <param name="tenantId">An opaque, stable tenant id.</param>
    /// <returns><paramref name="options"/>, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="tenantId"/> is <see langword="null"/> or blank.</exception>
    public static ChatOptions WithTenant(this ChatOptions options, string tenantId) => Set(options, TenantKey, tenantId, nameof(tenantId));

    /// <summary>Sets the id of the caller's API key (a gateway's key id, never the key itself).</summary>
    /// <param name="options">The options, changed in place.</param>
    /// <param name="apiKeyId">An opaque id of the key.</param>
    /// <returns><paramref name="options"/>, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="apiKeyId"/> is <see langword="null"/> or blank.</exception>
    public static ChatOptions WithApiKeyId(this ChatOptions options, string apiKeyId) => Set(options, ApiKeyIdKey, apiKeyId, nameof(apiKeyId));

    /// <summary>Gets the user set by <see cref="WithUser"/>.</summary>
    /// <param name="options">The options, or <see langword="null"/>.</param>
    /// <returns>The user id, or <see langword="null"/>.</returns>
    public static string? GetUser(this ChatOptions? options) => Get(options, UserKey);

    /// <summary>Gets the tenant set by <see cref="WithTenant"/>.</summary>
    /// <param name="options">The options, or <see langword="null"/>.</param>
    /// <returns>The tenant id, or <see langword="null"/>.</returns>
    public static string? GetTenant(this ChatOptions? options) => Get(options, TenantKey);

    /// <summary>Gets the API key id set by <see cref="WithApiKeyId"/>.</summary>
    /// <param name="options">The options, or <see langword="null"/>.</param>
    /// <returns>The key id, or <see langword="null"/>.</returns>
    public static string? GetApiKeyId(this ChatOptions? options) => Get(options, ApiKeyIdKey);

    private static ChatOptions Set(ChatOptions options, string key, string value, string paramName)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(value, paramName);
        (options.AdditionalProperties ??= [])[key] = value;
        return options;
    }

    private static string? Get(ChatOptions? options, string key) =>
        options?.AdditionalProperties is { } properties && properties.TryGetValue(key, out var value) ? value as string : null;
}
