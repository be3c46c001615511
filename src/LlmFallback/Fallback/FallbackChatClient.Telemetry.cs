using System.Diagnostics;
using Microsoft.Extensions.AI;

namespace LlmFallback;

public sealed partial class FallbackChatClient
{
    private static readonly object True = true;
    private static readonly object False = false;

    private static void RecordAttemptMetrics(LlmProvider provider, LlmFailure? failure, LlmAttemptDecision decision, TimeSpan duration)
    {
        if (LlmFallbackDiagnostics.Attempts.Enabled)
        {
            LlmFallbackDiagnostics.Attempts.Add(
                1,
                new(LlmFallbackDiagnostics.ProviderTag, provider.Name),
                new(LlmFallbackDiagnostics.OutcomeTag, LlmFallbackDiagnostics.OutcomeName(failure)),
                new(LlmFallbackDiagnostics.DecisionTag, LlmFallbackDiagnostics.DecisionName(decision)));
        }

        if (LlmFallbackDiagnostics.AttemptDuration.Enabled && decision != LlmAttemptDecision.Skipped)
        {
            LlmFallbackDiagnostics.AttemptDuration.Record(
                duration.TotalSeconds,
                new(LlmFallbackDiagnostics.ProviderTag, provider.Name),
                new(LlmFallbackDiagnostics.OutcomeTag, LlmFallbackDiagnostics.OutcomeName(failure)));
        }

        if (decision is LlmAttemptDecision.FailedOver or LlmAttemptDecision.Skipped && LlmFallbackDiagnostics.Failovers.Enabled)
        {
            LlmFallbackDiagnostics.Failovers.Add(
                1,
                new(LlmFallbackDiagnostics.ProviderTag, provider.Name),
                new(LlmFallbackDiagnostics.OutcomeTag, LlmFallbackDiagnostics.OutcomeName(failure)));
        }
    }

    /// <summary>Tags the request's activity with the route a routing stage chose for it, and why.</summary>
    private static void TagRoute(Activity? activity, ChatOptions? options)
    {
        if (activity is not null && RoutedPlanOf(options) is { } routed)
        {
            activity.SetTag(RoutingDiagnostics.RouteTag, routed.Decision.Route);
            activity.SetTag(RoutingDiagnostics.RouteReasonTag, RoutingDiagnostics.ReasonName(routed.Decision.Reason));
        }
    }

    private static void RecordRequestMetrics(LlmProvider? answered, bool fallback, bool success)
    {
        if (LlmFallbackDiagnostics.Requests.Enabled)
        {
            LlmFallbackDiagnostics.Requests.Add(
                1,
                new(LlmFallbackDiagnostics.ProviderTag, answered?.Name ?? "none"),
                new(LlmFallbackDiagnostics.OutcomeTag, success ? "success" : "failure"),
                new(LlmFallbackDiagnostics.FallbackTag, fallback ? True : False));
        }
    }

    private static void RecordWait(TimeSpan waited)
    {
        if (LlmFallbackDiagnostics.WaitDuration.Enabled)
        {
            LlmFallbackDiagnostics.WaitDuration.Record(waited.TotalSeconds);
        }
    }

    private static void RecordPanic(LlmProvider provider)
    {
        if (LlmFallbackDiagnostics.PanicCalls.Enabled)
        {
            LlmFallbackDiagnostics.PanicCalls.Add(1, new KeyValuePair<string, object?>(LlmFallbackDiagnostics.ProviderTag, provider.Name));
        }
    }

    /// <summary>An answered call's usage: counted against the provider's token limit, and set on the attempt's span.</summary>
    private void RecordUsage(LlmProvider provider, UsageDetails? usage, Activity? activity)
    {
        provider.RecordUsage(usage, _clock.Now);
        if (activity is not null && usage is not null)
        {
            if (usage.InputTokenCount is { } input)
            {
                activity.SetTag(LlmFallbackDiagnostics.InputTokensTag, input);
            }

            if (usage.OutputTokenCount is { } output)
            {
                activity.SetTag(LlmFallbackDiagnostics.OutputTokensTag, output);
            }
        }
    }

    /// <summary>
    /// A stream's first output: its time to first token goes to whoever reads it (the provider's moving average, the
    /// histogram); with no reader, the clock is not read.
    /// </summary>
    private void RecordFirstToken(LlmProvider provider, long attemptStart)
    {
        if (provider.FirstToken is null && !LlmFallbackDiagnostics.TimeToFirstToken.Enabled)
        {
            return;
        }

        var elapsed = _time.GetElapsedTime(attemptStart);
        provider.RecordFirstToken(elapsed);
        if (LlmFallbackDiagnostics.TimeToFirstToken.Enabled)
        {
            LlmFallbackDiagnostics.TimeToFirstToken.Record(
                elapsed.TotalSeconds,
                new(LlmFallbackDiagnostics.ProviderTag, provider.Name),
                new(LlmFallbackDiagnostics.ProviderNameTag, provider.Type is { } type ? LlmFallbackDiagnostics.GenAiProviderName(type) : null),
                new(LlmFallbackDiagnostics.RequestModelTag, provider.Model));
        }
    }

    private static Activity? StartActivity(string name, LlmProvider? provider, int attempt)
    {
        var activity = LlmFallbackDiagnostics.ActivitySource.StartActivity(name, ActivityKind.Internal);
        if (activity is not null && provider is not null)
        {
            activity.SetTag(LlmFallbackDiagnostics.ProviderTag, provider.Name);
            activity.SetTag(LlmFallbackDiagnostics.AttemptTag, attempt);
            activity.SetTag(LlmFallbackDiagnostics.RequestModelTag, provider.Model);
            if (provider.Type is { } type)
            {
                activity.SetTag(LlmFallbackDiagnostics.ProviderNameTag, LlmFallbackDiagnostics.GenAiProviderName(type));
            }
        }

        return activity;
    }

    /// <summary>
    /// Marks the request's activity failed with the exception's <c>error.type</c>, and returns the exception, so every
    /// throw site reads <c>throw Failed(activity, exception)</c>. A caller's cancellation is not an error.
    /// </summary>
    private static Exception Failed(Activity? activity, Exception exception)
    {
        if (activity is not null)
        {
            var type = exception switch
            {
                LlmPartialResponseException => "partial_response",
                LlmFallbackExhaustedException => "all_providers_failed",
                LlmProviderException p => LlmFallbackDiagnostics.KindName(p.Kind),
                _ => exception.GetType().FullName,
            };
            activity.SetTag(LlmFallbackDiagnostics.ErrorTypeTag, type);
            activity.SetStatus(ActivityStatusCode.Error, type);
        }

        return exception;
    }
}
