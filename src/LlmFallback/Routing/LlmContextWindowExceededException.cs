using System.Globalization;

namespace LlmFallback;

/// <summary>
/// A request too large for every deployment it could be routed to: its prompt plus its requested output does not fit
/// any of their context windows. Thrown by the routing stage before any provider is called, so no provider's health
/// is charged for it.
/// </summary>
public sealed class LlmContextWindowExceededException : LlmException
{
    /// <summary>Initializes a new instance of the <see cref="LlmContextWindowExceededException"/> class.</summary>
    /// <param name="route">The route the request was sent to.</param>
    /// <param name="requiredTokens">The tokens the request needs (prompt plus requested output) on the largest deployment.</param>
    /// <param name="largestContextWindow">The largest context window among the deployments it could go to.</param>
    /// <exception cref="ArgumentNullException"><paramref name="route"/> is <see langword="null"/>.</exception>
    public LlmContextWindowExceededException(string route, int requiredTokens, int largestContextWindow)
        : base(Describe(route, requiredTokens, largestContextWindow), attempts: null, innerException: null)
    {
        Route = route;
        RequiredTokens = requiredTokens;
        LargestContextWindow = largestContextWindow;
    }

    /// <summary>Gets the route the request was sent to.</summary>
    public string Route { get; }

    /// <summary>Gets the tokens the request needs (prompt plus requested output), counted with the largest deployment's tokenizer.</summary>
    public int RequiredTokens { get; }

    /// <summary>Gets the largest context window among the deployments the request could go to.</summary>
    public int LargestContextWindow { get; }

    private static string Describe(string route, int requiredTokens, int largestContextWindow)
    {
        ArgumentNullException.ThrowIfNull(route);
        return string.Create(CultureInfo.InvariantCulture, $"The request needs {requiredTokens} tokens (prompt plus requested output), more than the largest context window available on route '{route}' ({largestContextWindow} tokens). Shorten the conversation, lower MaxOutputTokens, or add a larger-context deployment or a context-window fallback route.");
    }
}
