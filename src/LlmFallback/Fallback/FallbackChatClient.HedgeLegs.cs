using Microsoft.Extensions.AI;

namespace LlmFallback;

public sealed partial class FallbackChatClient
{
    /// <summary>
    /// Takes a permit from the next provider of the plan that grants one, and a hedge from the budget, for a second
    /// call of the attempt in progress. The hedge counts as a call of the request; one hedge per request at most.
    /// </summary>
    private HedgeLeg? TryStartHedge(FallbackRequest request, HedgePlan hedging)
    {
        var plan = request.Plan;
        if (request.Hedged || request.Calls >= plan.MaxAttempts)
        {
            return null;
        }

        var now = _clock.Now;
        for (var i = request.ProviderIndex + 1; i < plan.Providers.Length; i++)
        {
            var p = plan.Providers[i];
            if (!p.TryAcquire(now, out var permit, out _))
            {
                continue;
            }

            if (!hedging.Budget.TryAcquireRetry())
            {
                p.Release(ref permit);
                RoutingLog.HedgeBudgetExhausted(_logger, request.Plan.Providers[request.ProviderIndex].Name);
                return null;
            }

            (request.Hedge ??= new()).Sent = true;
            request.Calls++;
            request.MarkCalled(i);
            var activity = StartActivity("llmfallback.attempt", p, request.Calls);
            activity?.SetTag(RoutingDiagnostics.HedgeTag, true);
            RoutingLog.Hedging(_logger, request.Plan.Providers[request.ProviderIndex].Name, p.Name);
            RoutingDiagnostics.RecordHedge(p);
            return new HedgeLeg { Provider = p, Permit = permit, Index = i, Activity = activity, Start = _time.GetTimestamp() };
        }

        return null;
    }

    /// <summary>
    /// Ends a parked call that is no longer wanted: cancelled, its permit given back without a verdict, recorded as
    /// having lost the race (or as cancelled by the caller). Usage it already reported is kept on the request and
    /// counted against its provider's token limit (the provider used those tokens, whoever won).
    /// </summary>
    private void AbandonLeg(FallbackRequest request, HedgeLeg leg, bool lost)
    {
        leg.Timer?.Cancel();
        ReleaseTimer(leg);
        leg.Provider.Release(ref leg.Permit);
        if ((leg.Response is { IsCompletedSuccessfully: true } answered ? answered.Result.Usage : FindUsage(leg.Buffer)) is { } usage)
        {
            (request.Hedge ??= new()).LoserUsage = usage;
            RecordUsage(leg.Provider, usage, leg.Activity);
        }

        var failure = new LlmFailure(LlmFailureKind.Cancelled, errorCode: lost ? "hedge_lost" : null);
        var decision = lost ? LlmAttemptDecision.HedgeLost : LlmAttemptDecision.Surfaced;
        var duration = _time.GetElapsedTime(leg.Start);
        request.Attempts.Add(new LlmAttempt(leg.Provider.Name, leg.Provider.Model, failure, duration, decision));
        if (leg.Activity is { } activity)
        {
            activity.SetTag(LlmFallbackDiagnostics.DecisionTag, LlmFallbackDiagnostics.DecisionName(decision));
            activity.Dispose();
            leg.Activity = null;
        }

        RecordAttemptMetrics(leg.Provider, failure, decision, duration);
    }

    private static void ReleaseTimer(HedgeLeg leg)
    {
        leg.Timer?.Release();
        leg.Timer = null;
    }

    private static UsageDetails? FindUsage(List<ChatResponseUpdate>? updates)
    {
        if (updates is null)
        {
            return null;
        }

        foreach (var update in updates)
        {
            if (FindUsage(update) is { } usage)
            {
                return usage;
            }
        }

        return null;
    }

    private static UsageDetails? FindUsage(ChatResponseUpdate? update)
    {
        if (update is not null)
        {
            foreach (var content in update.Contents)
            {
                if (content is UsageContent usage)
                {
                    return usage.Details;
                }
            }
        }

        return null;
    }

    /// <summary>Waits until <paramref name="call"/> completes or <paramref name="delay"/> passes, whichever is first.</summary>
    private async Task DelayOrCompletionAsync(Task call, TimeSpan delay, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        await Task.WhenAny(call, Task.Delay(delay, _time, stop.Token)).ConfigureAwait(false);
        await stop.CancelAsync().ConfigureAwait(false);
    }

    private static Exception ErrorOf(Task task) =>
        task.IsCanceled ? new TaskCanceledException(task) : task.Exception?.InnerException ?? task.Exception!;
}
