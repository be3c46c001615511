using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace LlmFallback;

/// <summary>The names under which LlmFallback reports traces and metrics.</summary>
/// <remarks>
/// Subscribe with <c>AddSource(LlmFallbackDiagnostics.Name)</c> and <c>AddMeter(LlmFallbackDiagnostics.Name)</c>.
/// Attributes follow the OpenTelemetry GenAI conventions (<c>gen_ai.request.model</c>, <c>gen_ai.response.model</c>,
/// <c>error.type</c>) plus <c>llmfallback.provider</c> for the configured provider name.
/// </remarks>
public static class LlmFallbackDiagnostics
{
    /// <summary>The name of the <see cref="System.Diagnostics.ActivitySource"/> and of the <see cref="System.Diagnostics.Metrics.Meter"/>.</summary>
    public const string Name = "LlmFallback";

    /// <summary>Counter of provider calls, tagged with provider, outcome (<c>success</c> or the failure class) and decision; unit <c>{attempt}</c>.</summary>
    public const string AttemptsInstrument = "llmfallback.fallback.attempts";

    /// <summary>Counter of requests that left a provider for the next one, tagged with the provider left and the reason; unit <c>{failover}</c>.</summary>
    public const string FailoversInstrument = "llmfallback.fallback.failovers";

    /// <summary>Counter of requests, tagged with the provider that answered (or none) and the outcome; unit <c>{request}</c>.</summary>
    public const string RequestsInstrument = "llmfallback.fallback.requests";

    /// <summary>Histogram of provider call durations in seconds, tagged with provider and outcome; unit <c>s</c>.</summary>
    public const string AttemptDurationInstrument = "llmfallback.attempt.duration";

    /// <summary>Counter of circuit-breaker transitions, tagged with provider, <c>from</c> and <c>to</c>; unit <c>{transition}</c>.</summary>
    public const string BreakerTransitionsInstrument = "llmfallback.breaker.transitions";

    /// <summary>Counter of streams continued on another provider after output was committed; unit <c>{rescue}</c>.</summary>
    public const string StreamRescuesInstrument = "llmfallback.stream.rescues";

    /// <summary>Histogram of the time requests waited for a provider to become available (all were cooling down or open); unit <c>s</c>.</summary>
    public const string WaitDurationInstrument = "llmfallback.fallback.wait.duration";

    /// <summary>Counter of calls made past open breakers because every provider of a request's plan was open (panic mode); unit <c>{call}</c>.</summary>
    public const string PanicCallsInstrument = "llmfallback.fallback.panic_calls";

    /// <summary>The name of the histogram of streams' time to first token (per attempt that produced output), in seconds.</summary>
    public const string TimeToFirstTokenInstrument = "llmfallback.attempt.time_to_first_token";

    internal const string ProviderTag = "llmfallback.provider";
    internal const string InputTokensTag = "gen_ai.usage.input_tokens";
    internal const string OutputTokensTag = "gen_ai.usage.output_tokens";
    internal const string ProviderNameTag = "gen_ai.provider.name";
    internal const string OutcomeTag = "llmfallback.outcome";
    internal const string DecisionTag = "llmfallback.decision";
    internal const string AttemptTag = "llmfallback.attempt";
    internal const string FallbackTag = "llmfallback.fallback";
    internal const string RequestModelTag = "gen_ai.request.model";
    internal const string ResponseModelTag = "gen_ai.response.model";
    internal const string ErrorTypeTag = "error.type";
    internal const string OperationTag = "gen_ai.operation.name";

    internal static readonly ActivitySource ActivitySource = new(Name);
    internal static readonly Meter Meter = new(Name);
    internal static readonly Counter<long> Attempts = Meter.CreateCounter<long>(AttemptsInstrument, "{attempt}", "LLM provider calls made by the fallback stage.");
    internal static readonly Counter<long> Failovers = Meter.CreateCounter<long>(FailoversInstrument, "{failover}", "Requests that moved from one provider to the next.");
    internal static readonly Counter<long> Requests = Meter.CreateCounter<long>(RequestsInstrument, "{request}", "Requests served by the fallback stage.");
    internal static readonly Histogram<double> AttemptDuration = Meter.CreateHistogram<double>(AttemptDurationInstrument, "s", "Duration of LLM provider calls.");
    internal static readonly Counter<long> BreakerTransitions = Meter.CreateCounter<long>(BreakerTransitionsInstrument, "{transition}", "Circuit-breaker state changes.");
    internal static readonly Counter<long> StreamRescues = Meter.CreateCounter<long>(StreamRescuesInstrument, "{rescue}", "Streams continued on another provider after output was committed.");

    internal static readonly Histogram<double> WaitDuration = Meter.CreateHistogram<double>(WaitDurationInstrument, "s", "Time requests waited for a provider to become available.");
    internal static readonly Histogram<double> TimeToFirstToken = Meter.CreateHistogram<double>(TimeToFirstTokenInstrument, "s", "Time from the start of a streaming LLM provider call to its first output.");
    internal static readonly Counter<long> PanicCalls = Meter.CreateCounter<long>(PanicCallsInstrument, "{call}", "Calls made past open breakers because every provider of the plan was open.");

    /// <summary>The OpenTelemetry GenAI <c>gen_ai.provider.name</c> for an adapter type.</summary>
    internal static string GenAiProviderName(string type) => type.ToUpperInvariant() switch
    {
        "OPENAI" => "openai",
        "AZUREOPENAI" => "azure.ai.openai",
        "ANTHROPIC" => "anthropic",
        "GEMINI" => "gcp.gemini",
        _ => type.ToLowerInvariant(),
    };

    internal static string OutcomeName(LlmFailure? failure) => failure is null ? "success" : KindName(failure.Kind);

    internal static string KindName(LlmFailureKind kind) => kind switch
    {
        LlmFailureKind.RateLimited => "rate_limited",
        LlmFailureKind.ServerError => "server_error",
        LlmFailureKind.Timeout => "timeout",
        LlmFailureKind.Transport => "transport",
        LlmFailureKind.ContextLengthExceeded => "context_length_exceeded",
        LlmFailureKind.ContentPolicy => "content_policy",
        LlmFailureKind.Authentication => "authentication",
        LlmFailureKind.ModelNotFound => "model_not_found",
        LlmFailureKind.BadRequest => "bad_request",
        LlmFailureKind.Cancelled => "cancelled",
        LlmFailureKind.Unavailable => "unavailable",
        _ => "unknown",
    };

    internal static string DecisionName(LlmAttemptDecision decision) => decision switch
    {
        LlmAttemptDecision.Answered => "answered",
        LlmAttemptDecision.Retried => "retried",
        LlmAttemptDecision.FailedOver => "failed_over",
        LlmAttemptDecision.Surfaced => "surfaced",
        LlmAttemptDecision.Skipped => "skipped",
        LlmAttemptDecision.Rescued => "rescued",
        LlmAttemptDecision.HedgeLost => "hedge_lost",
        _ => "unknown",
    };

    internal static string StateName(LlmCircuitState state) => state switch
    {
        LlmCircuitState.Closed => "closed",
        LlmCircuitState.Open => "open",
        _ => "half_open",
    };
}
