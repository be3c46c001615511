using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;

namespace LlmFallback;

/// <summary>The rate-limiting stage's instruments, on the shared <c>LlmFallback</c> meter.</summary>
internal static class RateLimitingDiagnostics
{
    public const string RejectedInstrument = "llmfallback.ratelimit.rejected";
    public const string ScopeTag = "llmfallback.ratelimit.scope";
    public const string KindTag = "llmfallback.ratelimit.kind";

    public static readonly Counter<long> Rejected = LlmFallbackDiagnostics.Meter.CreateCounter<long>(RejectedInstrument, "{request}", "Requests a rate limit refused.");

    public static void Count(in LlmRateLimitRule rule)
    {
        if (Rejected.Enabled)
        {
            var tags = default(TagList);
            tags.Add(ScopeTag, RateLimitedException.ScopeName(rule.Scope));
            tags.Add(KindTag, RateLimitedException.KindName(rule.Kind));
            Rejected.Add(1, in tags);
        }
    }
}

/// <summary>The rate-limiting stage's log lines. Only scopes and limits, never ids or message content.</summary>
internal static partial class RateLimitingLog
{
    [LoggerMessage(EventId = 120, EventName = "RateLimited", Level = LogLevel.Information,
        Message = "A request was refused by the {Scope} limit of {Limit} {Kind} per minute; retry after {RetryAfter}.")]
    public static partial void Rejected(ILogger logger, string scope, long limit, string kind, TimeSpan retryAfter);

    [LoggerMessage(EventId = 121, EventName = "RateLimitStoreFailed", Level = LogLevel.Warning,
        Message = "The rate-limit store failed while settling a call's tokens; the call itself succeeded.")]
    public static partial void StoreFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 122, EventName = "RateLimitAuditFailed", Level = LogLevel.Warning,
        Message = "The audit sink failed to record a rate-limit decision.")]
    public static partial void AuditFailed(ILogger logger, Exception exception);
}
