using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;

namespace LlmFallback;

/// <summary>The budget stage's instruments, on the shared <c>LlmFallback</c> meter.</summary>
internal static class BudgetDiagnostics
{
    public const string ExceededInstrument = "llmfallback.budget.exceeded";
    public const string ScopeTag = "llmfallback.budget.scope";
    public const string PeriodTag = "llmfallback.budget.period";
    public const string ActionTag = "llmfallback.budget.action";

    public static readonly Counter<long> Exceeded = LlmFallbackDiagnostics.Meter.CreateCounter<long>(ExceededInstrument, "{request}", "Requests a budget refused or downgraded.");

    public static void Count(in LlmBudgetCounter counter, string action)
    {
        if (Exceeded.Enabled)
        {
            var tags = default(TagList);
            tags.Add(ScopeTag, BudgetWindows.ScopeName(counter.Scope));
            tags.Add(PeriodTag, counter.Period);
            tags.Add(ActionTag, action);
            Exceeded.Add(1, in tags);
        }
    }
}

/// <summary>The budget stage's log lines. Only scopes, periods and amounts, never ids or message content.</summary>
internal static partial class BudgetLog
{
    [LoggerMessage(EventId = 110, EventName = "BudgetExceeded", Level = LogLevel.Information,
        Message = "A request did not fit in the {Scope} budget per {Period} ({Limit} USD); it was {Action}.")]
    public static partial void Exceeded(ILogger logger, string scope, string period, decimal limit, string action);

    [LoggerMessage(EventId = 111, EventName = "BudgetStoreFailed", Level = LogLevel.Warning,
        Message = "The budget store failed while settling a call; the call itself succeeded and its cost stays reserved.")]
    public static partial void StoreFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 112, EventName = "BudgetAuditFailed", Level = LogLevel.Warning,
        Message = "The audit sink failed to record a budget decision.")]
    public static partial void AuditFailed(ILogger logger, Exception exception);
}
