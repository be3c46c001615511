using System.Diagnostics.Metrics;

namespace LlmFallback;

/// <summary>The metrics and tags of routing and hedging (under the <see cref="LlmFallbackDiagnostics.Name"/> meter and activity source).</summary>
public static class RoutingDiagnostics
{
    /// <summary>Counter of routing decisions, tagged with <c>llmfallback.route</c> and <c>llmfallback.route.reason</c>; unit <c>{request}</c>.</summary>
    public const string DecisionsInstrument = "llmfallback.routing.decisions";

    /// <summary>Counter of hedged calls sent, tagged with the provider hedged to; unit <c>{call}</c>.</summary>
    public const string HedgesInstrument = "llmfallback.fallback.hedges";

    internal const string RouteTag = "llmfallback.route";
    internal const string RouteReasonTag = "llmfallback.route.reason";
    internal const string HedgeTag = "llmfallback.hedge";

    internal static readonly Counter<long> Decisions = LlmFallbackDiagnostics.Meter.CreateCounter<long>(DecisionsInstrument, "{request}", "Routing decisions, by route and reason.");
    internal static readonly Counter<long> Hedges = LlmFallbackDiagnostics.Meter.CreateCounter<long>(HedgesInstrument, "{call}", "Hedged calls sent to a second provider while the first was slow.");

    internal static string ReasonName(LlmRouteReason reason) => reason switch
    {
        LlmRouteReason.Explicit => "explicit",
        LlmRouteReason.Rule => "rule",
        LlmRouteReason.Classifier => "classifier",
        LlmRouteReason.Default => "default",
        LlmRouteReason.ContextWindow => "context_window",
        _ => "unknown",
    };

    internal static void RecordDecision(LlmRouteDecision decision)
    {
        if (Decisions.Enabled)
        {
            Decisions.Add(1, new(RouteTag, decision.Route), new(RouteReasonTag, ReasonName(decision.Reason)));
        }
    }

    internal static void RecordHedge(LlmProvider provider)
    {
        if (Hedges.Enabled)
        {
            Hedges.Add(1, new KeyValuePair<string, object?>(LlmFallbackDiagnostics.ProviderTag, provider.Name));
        }
    }
}
