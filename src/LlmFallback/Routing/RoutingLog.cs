using Microsoft.Extensions.Logging;

namespace LlmFallback;

/// <summary>The log lines of routing and hedging (event ids 700-719). Names and counts only, never message content.</summary>
internal static partial class RoutingLog
{
    [LoggerMessage(EventId = 700, EventName = "RouteChosen", Level = LogLevel.Debug,
        Message = "Request routed to '{Route}' ({Reason}).")]
    public static partial void RouteChosen(ILogger logger, string route, LlmRouteDecision reason);

    [LoggerMessage(EventId = 702, EventName = "ClassifierFailed", Level = LogLevel.Warning,
        Message = "The route classifier failed ({Error}); the request takes the default route.")]
    public static partial void ClassifierFailed(ILogger logger, string error);

    [LoggerMessage(EventId = 710, EventName = "Hedging", Level = LogLevel.Debug,
        Message = "Provider '{Provider}' is slow to answer; the request is hedged to '{Hedge}'.")]
    public static partial void Hedging(ILogger logger, string provider, string hedge);

    [LoggerMessage(EventId = 711, EventName = "HedgeBudgetExhausted", Level = LogLevel.Debug,
        Message = "Provider '{Provider}' is slow to answer, but the hedge budget is spent; the request is not hedged.")]
    public static partial void HedgeBudgetExhausted(ILogger logger, string provider);
}
