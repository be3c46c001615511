using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.ExceptionServices;

namespace LlmFallback;

public sealed partial class FallbackChatClient
{
    /// <summary>Starts an attempt on the provider whose permit the request holds.</summary>
    private void BeginAttempt(FallbackRequest request, LlmProvider provider)
    {
        request.Calls++;
        request.MarkCalled(request.ProviderIndex);
        request.AttemptActivity = StartActivity("llmfallback.attempt", provider, request.Calls);
        request.AttemptStart = _time.GetTimestamp();
    }

    /// <summary>
    /// Settles a failed attempt exactly once: the provider hears the verdict, the attempt is recorded (request, log,
    /// metrics, activity) and its activity ends.
    /// </summary>
    private LlmAttempt Settle(FallbackRequest request, LlmProvider provider, LlmFailure failure, LlmAttemptDecision decision, LlmProvider.HealthVerdict verdict, long now)
    {
        provider.Fail(ref request.Permit, now, failure.Kind, verdict);
        var attempt = Record(request, provider, failure, _time.GetElapsedTime(request.AttemptStart), decision, request.AttemptActivity);
        EndAttemptActivity(request);
        return attempt;
    }

    /// <summary>Settles an attempt the caller cancelled: no verdict on the provider; the cancellation surfaces.</summary>
    [StackTraceHidden]
    [DoesNotReturn]
    private void SettleCancelled(FallbackRequest request, LlmProvider provider, Exception? error, CancellationToken cancellationToken)
    {
        provider.Release(ref request.Permit);
        Record(request, provider, new LlmFailure(LlmFailureKind.Cancelled, exception: error is null ? null : LlmSecrets.ScrubIfNeeded(error)), _time.GetElapsedTime(request.AttemptStart), LlmAttemptDecision.Surfaced, request.AttemptActivity);
        EndAttemptActivity(request);
        ThrowCancelled(error, cancellationToken);
    }

    /// <summary>Settles the attempt that answered: the provider hears the success and the call information is built.</summary>
    private LlmCallInfo SettleSuccess(FallbackRequest request, LlmProvider provider, string? modelId, bool rescued)
    {
        provider.Succeed(ref request.Permit);
        var info = Succeeded(request, provider, modelId, _time.GetElapsedTime(request.AttemptStart), rescued, request.AttemptActivity);
        EndAttemptActivity(request);
        return info;
    }

    /// <summary>
    /// Runs whatever way a request ends (the caller stopped reading a stream, a throw): a permit still held is
    /// given back without a verdict and the attempt's activity is ended, so no probe or ramp slot is ever lost.
    /// </summary>
    private void Abandon(FallbackRequest request)
    {
        // A stream whose finish reason arrived is a complete answer even if the caller stopped reading right there:
        // the provider answered, and hears so.
        if (request is StreamRequest { Finished: true } stream && stream.Permit.Provider is { } answered)
        {
            SettleSuccess(stream, answered, stream.Last?.ModelId ?? answered.Model, stream.Rescued);
            return;
        }

        request.Permit.Provider?.Release(ref request.Permit);
        if (request.AttemptActivity is { } activity)
        {
            activity.SetTag(LlmFallbackDiagnostics.DecisionTag, "abandoned");
            EndAttemptActivity(request);
        }
    }

    private static void EndAttemptActivity(FallbackRequest request)
    {
        request.AttemptActivity?.Dispose();
        request.AttemptActivity = null;
    }

    /// <summary>Enters the attempt context around a call when the provider's HTTP layer reads it (replica pools); otherwise does nothing.</summary>
    private static LlmAttemptContext.Scope EnterAttempt(LlmProvider provider, AttemptTimer? timer, CancellationToken callerToken) =>
        !provider.HasReplicas ? default
        : timer is null ? LlmAttemptContext.Enter(new LlmAttemptContext(static () => false, callerToken))
        : LlmAttemptContext.Enter(new LlmAttemptContext(timer.TimedOutGetter, timer.Token));

    [StackTraceHidden]
    [DoesNotReturn]
    private static void ThrowCancelled(Exception? error, CancellationToken cancellationToken)
    {
        if (error is OperationCanceledException oce && oce.CancellationToken == cancellationToken)
        {
            ExceptionDispatchInfo.Throw(error);
        }

        cancellationToken.ThrowIfCancellationRequested();
        throw new OperationCanceledException(cancellationToken);
    }
}
