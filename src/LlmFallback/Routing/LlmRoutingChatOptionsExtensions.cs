using Microsoft.Extensions.AI;

namespace LlmFallback;

/// <summary>Names the route of a request, as a typed alternative to <see cref="ChatOptions.ModelId"/>.</summary>
public static class LlmRoutingChatOptionsExtensions
{
    internal const string RouteKey = "llmfallback.route";

    /// <summary>Sends the request down a route (or alias, model group, or provider) of the routing stage.</summary>
    /// <param name="options">The options, changed in place.</param>
    /// <param name="route">The route's name; an unknown name fails the request with <see cref="ArgumentException"/>.</param>
    /// <returns><paramref name="options"/>, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="route"/> is <see langword="null"/> or blank.</exception>
    public static ChatOptions WithRoute(this ChatOptions options, string route)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(route);
        (options.AdditionalProperties ??= [])[RouteKey] = route;
        return options;
    }

    /// <summary>Gets the route set by <see cref="WithRoute"/>.</summary>
    /// <param name="options">The options, or <see langword="null"/>.</param>
    /// <returns>The route, or <see langword="null"/>.</returns>
    public static string? GetRoute(this ChatOptions? options) =>
        options?.AdditionalProperties is { Count: > 0 } properties && properties.TryGetValue(RouteKey, out var value) ? value as string : null;
}
