using System.Diagnostics.Metrics;

namespace LlmFallback.Tests.Telemetry;

public class LlmFallbackDiagnosticsTests
{
    [Fact]
    public void Names_AreTheDocumentedOnes()
    {
        Assert.Equal("LlmFallback", LlmFallbackDiagnostics.Name);
        Assert.Equal("LlmFallback", LlmFallbackDiagnostics.ActivitySource.Name);
        Assert.Equal("LlmFallback", LlmFallbackDiagnostics.Meter.Name);
        Assert.Equal("llmfallback.fallback.attempts", LlmFallbackDiagnostics.AttemptsInstrument);
        Assert.Equal("llmfallback.fallback.failovers", LlmFallbackDiagnostics.FailoversInstrument);
        Assert.Equal("llmfallback.fallback.requests", LlmFallbackDiagnostics.RequestsInstrument);
        Assert.Equal("llmfallback.attempt.duration", LlmFallbackDiagnostics.AttemptDurationInstrument);
        Assert.Equal("llmfallback.breaker.transitions", LlmFallbackDiagnostics.BreakerTransitionsInstrument);
        Assert.Equal("llmfallback.stream.rescues", LlmFallbackDiagnostics.StreamRescuesInstrument);
    }

    [Fact]
    public void Instruments_HaveNamesAndUnits()
    {
        Instrument[] instruments =
        [
            LlmFallbackDiagnostics.Attempts, LlmFallbackDiagnostics.Failovers, LlmFallbackDiagnostics.Requests,
            LlmFallbackDiagnostics.AttemptDuration, LlmFallbackDiagnostics.BreakerTransitions, LlmFallbackDiagnostics.StreamRescues,
        ];

        Assert.Equal(
            [
                ("llmfallback.fallback.attempts", "{attempt}"), ("llmfallback.fallback.failovers", "{failover}"), ("llmfallback.fallback.requests", "{request}"),
                ("llmfallback.attempt.duration", "s"), ("llmfallback.breaker.transitions", "{transition}"), ("llmfallback.stream.rescues", "{rescue}"),
            ],
            instruments.Select(i => (i.Name, i.Unit!)));
        Assert.All(instruments, i => Assert.False(string.IsNullOrEmpty(i.Description)));
    }

    [Fact]
    public void KindName_EveryKind_IsDistinctSnakeCase()
    {
        var names = Enum.GetValues<LlmFailureKind>().Select(LlmFallbackDiagnostics.KindName).ToList();

        Assert.Equal(
            ["rate_limited", "server_error", "timeout", "transport", "context_length_exceeded", "content_policy", "authentication", "model_not_found", "bad_request", "cancelled", "unavailable"],
            names);
        Assert.Equal("unknown", LlmFallbackDiagnostics.KindName((LlmFailureKind)99));
    }

    [Fact]
    public void DecisionName_EveryDecision_IsDistinctSnakeCase()
    {
        Assert.Equal(
            ["answered", "retried", "failed_over", "surfaced", "skipped", "rescued", "hedge_lost"],
            Enum.GetValues<LlmAttemptDecision>().Select(LlmFallbackDiagnostics.DecisionName));
        Assert.Equal("unknown", LlmFallbackDiagnostics.DecisionName((LlmAttemptDecision)99));
    }

    [Fact]
    public void StateName_EveryState_IsSnakeCase() =>
        Assert.Equal(["closed", "open", "half_open"], Enum.GetValues<LlmCircuitState>().Select(LlmFallbackDiagnostics.StateName));

    [Fact]
    public void OutcomeName_SuccessOrKind()
    {
        Assert.Equal("success", LlmFallbackDiagnostics.OutcomeName(null));
        Assert.Equal("timeout", LlmFallbackDiagnostics.OutcomeName(new LlmFailure(LlmFailureKind.Timeout)));
    }
}
