using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace LlmFallback.Tests.Telemetry;

public class LogTests
{
    private readonly FakeLogger _logger = new();

    [Fact]
    public void EveryEvent_HasItsIdLevelAndExactMessage()
    {
        var failure = new LlmFailure(LlmFailureKind.RateLimited, 429, TimeSpan.FromSeconds(2), "rate_limit_exceeded", new InvalidOperationException("provider text"));

        Log.AttemptFailed(_logger, 2, "openai", failure, "retried");
        Log.ProviderSkipped(_logger, "azure", new LlmFailure(LlmFailureKind.Unavailable, retryAfter: TimeSpan.FromSeconds(5)));
        Log.BreakerOpened(_logger, "openai", LlmCircuitState.HalfOpen, "timeout", TimeSpan.FromSeconds(15));
        Log.BreakerChanged(_logger, "openai", LlmCircuitState.Open, LlmCircuitState.HalfOpen);
        Log.Exhausted(_logger, 4);
        Log.StreamRescued(_logger, "openai", 120, new LlmFailure(LlmFailureKind.Transport), "anthropic");
        Log.StreamPartial(_logger, "openai", 120, new LlmFailure(LlmFailureKind.Timeout));
        Log.RetryBudgetExhausted(_logger, "openai");
        Log.CoolingDown(_logger, "azure-east", TimeSpan.FromSeconds(30));
        Log.OptionsReloadRejected(_logger, "Llm:Fallback:Chain:0 names provider 'x', which is not registered.");
        Log.ConfigurationReloadRejected(_logger, "Llm:Fallback", "Llm:Fallback:MaxAttemptsPerRequest must be between 1 and 100 (was 0).");

        var logs = _logger.Collector.GetSnapshot();
        Assert.Equal(
            [
                (1, LogLevel.Warning, "LLM attempt 2 on provider 'openai' failed: RateLimited (HTTP 429, rate_limit_exceeded, retry after 2s); retried."),
                (2, LogLevel.Debug, "Provider 'azure' skipped: Unavailable (retry after 5s)."),
                (3, LogLevel.Warning, "Circuit breaker of provider 'openai' opened (was HalfOpen) after timeout; calls are refused for 00:00:15."),
                (4, LogLevel.Information, "Circuit breaker of provider 'openai' went from Open to HalfOpen."),
                (5, LogLevel.Warning, "Every LLM provider failed or was unavailable after 4 attempts."),
                (6, LogLevel.Warning, "Stream from provider 'openai' failed after 120 committed characters (Transport); continuing it on 'anthropic'."),
                (7, LogLevel.Error, "Stream from provider 'openai' failed after 120 committed characters (Timeout) and could not be continued; the caller's answer is partial."),
                (8, LogLevel.Warning, "Process retry budget exhausted; provider 'openai' is not retried and the request fails over."),
                (9, LogLevel.Information, "Upstream 'azure-east' asked to wait 00:00:30; its providers are skipped until then."),
                (10, LogLevel.Error, "Reloaded fallback options were rejected and the previous ones are kept: Llm:Fallback:Chain:0 names provider 'x', which is not registered."),
                (11, LogLevel.Error, "Reloaded configuration 'Llm:Fallback' was rejected and the previous values are kept: Llm:Fallback:MaxAttemptsPerRequest must be between 1 and 100 (was 0)."),
            ],
            logs.Select(l => (l.Id.Id, l.Level, l.Message)));
        Assert.All(logs, l => Assert.False(string.IsNullOrEmpty(l.Id.Name)));
        Assert.Equal(logs.Count, logs.Select(l => l.Id.Name).Distinct().Count());
        Assert.All(logs, l => Assert.DoesNotContain("provider text", l.Message, StringComparison.Ordinal));
    }
}
