namespace LlmFallback;

/// <summary>Which route a request took and why; on <see cref="LlmCallInfo.Route"/> and in telemetry. Immutable and shared.</summary>
public sealed class LlmRouteDecision
{
    internal LlmRouteDecision(string route, LlmRouteReason reason, string? detail)
    {
        Route = route;
        Reason = reason;
        Detail = detail;
    }

    /// <summary>Gets the route's name (for a model group, the model; for a pinned provider, its name).</summary>
    public string Route { get; }

    /// <summary>Gets what chose the route.</summary>
    public LlmRouteReason Reason { get; }

    /// <summary>Gets the rule's name or the classifier's label that chose the route, if any.</summary>
    public string? Detail { get; }

    /// <summary>Describes the decision.</summary>
    /// <returns>For example <c>smart (rule: has-tools)</c>.</returns>
    public override string ToString() => Detail is null ? $"{Route} ({RoutingDiagnostics.ReasonName(Reason)})" : $"{Route} ({RoutingDiagnostics.ReasonName(Reason)}: {Detail})";
}

/// <summary>What chose a request's route, cheapest check first.</summary>
public enum LlmRouteReason
{
    /// <summary>The caller named it: <c>ChatOptions.ModelId</c> (a route, an alias, a model or a provider) or <c>WithRoute</c>.</summary>
    Explicit = 0,

    /// <summary>A routing rule matched (tags, metadata, tools, images, prompt tokens, keywords).</summary>
    Rule = 1,

    /// <summary>The complexity classifier chose it.</summary>
    Classifier = 2,

    /// <summary>Nothing else applied: the default route.</summary>
    Default = 3,

    /// <summary>The chosen route's deployments could not hold the request; a context-window fallback route took it.</summary>
    ContextWindow = 4,
}
