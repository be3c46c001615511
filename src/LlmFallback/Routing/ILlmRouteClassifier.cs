using Microsoft.Extensions.AI;

namespace LlmFallback;

/// <summary>
/// Picks a route for a request that named none and that no rule placed: the third and most expensive check of the
/// routing stage. Implementations: <see cref="EmbeddingRouteClassifier"/> (similarity to each route's examples) and
/// <see cref="LlmJudgeRouteClassifier"/> (a cheap model's verdict); the built-in heuristic is configured in
/// <see cref="RoutingOptions.Complexity"/>.
/// </summary>
public interface ILlmRouteClassifier
{
    /// <summary>Classifies a request.</summary>
    /// <param name="messages">The conversation.</param>
    /// <param name="options">The request's options, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">The request's cancellation token.</param>
    /// <returns>The route's name and the label that chose it, or <see cref="LlmRouteClassification.None"/> to let the default route decide.</returns>
    ValueTask<LlmRouteClassification> ClassifyAsync(IReadOnlyList<ChatMessage> messages, ChatOptions? options, CancellationToken cancellationToken);
}

/// <summary>A classifier's verdict: a route (or none) and the label that chose it.</summary>
/// <param name="Route">The route's name, or <see langword="null"/> for no opinion.</param>
/// <param name="Label">What chose it (for example a similarity score or the judge's answer), reported on <see cref="LlmRouteDecision.Detail"/>.</param>
public readonly record struct LlmRouteClassification(string? Route, string? Label)
{
    /// <summary>Gets the verdict "no opinion": the default route decides.</summary>
    public static LlmRouteClassification None => default;
}
