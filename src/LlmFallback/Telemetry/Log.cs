using Microsoft.Extensions.Logging;

namespace LlmFallback;

/// <summary>Every log line LlmFallback writes. Only classified facts, never message content, keys or provider text.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1, EventName = "AttemptFailed", Level = LogLevel.Warning,
        Message = "LLM attempt {Attempt} on provider '{Provider}' failed: {Failure}; {Decision}.")]
    public static partial void AttemptFailed(ILogger logger, int attempt, string provider, LlmFailure failure, string decision);

    [LoggerMessage(EventId = 13, EventName = "AttemptCancelled", Level = LogLevel.Debug,
        Message = "LLM attempt {Attempt} on provider '{Provider}' was cancelled by the caller.")]
    public static partial void AttemptCancelled(ILogger logger, int attempt, string provider);

    [LoggerMessage(EventId = 2, EventName = "ProviderSkipped", Level = LogLevel.Debug,
        Message = "Provider '{Provider}' skipped: {Reason}.")]
    public static partial void ProviderSkipped(ILogger logger, string provider, LlmFailure reason);

    [LoggerMessage(EventId = 3, EventName = "BreakerOpened", Level = LogLevel.Warning,
        Message = "Circuit breaker of provider '{Provider}' opened (was {From}) after {Cause}; calls are refused for {BreakDuration}.")]
    public static partial void BreakerOpened(ILogger logger, string provider, LlmCircuitState from, string cause, TimeSpan breakDuration);

    [LoggerMessage(EventId = 4, EventName = "BreakerChanged", Level = LogLevel.Information,
        Message = "Circuit breaker of provider '{Provider}' went from {From} to {To}.")]
    public static partial void BreakerChanged(ILogger logger, string provider, LlmCircuitState from, LlmCircuitState to);

    [LoggerMessage(EventId = 5, EventName = "FallbackExhausted", Level = LogLevel.Warning,
        Message = "Every LLM provider failed or was unavailable after {Attempts} attempts.")]
    public static partial void Exhausted(ILogger logger, int attempts);

    [LoggerMessage(EventId = 6, EventName = "StreamRescued", Level = LogLevel.Warning,
        Message = "Stream from provider '{Provider}' failed after {Characters} committed characters ({Failure}); continuing it on '{Next}'.")]
    public static partial void StreamRescued(ILogger logger, string provider, int characters, LlmFailure failure, string next);

    [LoggerMessage(EventId = 7, EventName = "StreamPartial", Level = LogLevel.Error,
        Message = "Stream from provider '{Provider}' failed after {Characters} committed characters ({Failure}) and could not be continued; the caller's answer is partial.")]
    public static partial void StreamPartial(ILogger logger, string provider, int characters, LlmFailure failure);

    [LoggerMessage(EventId = 8, EventName = "RetryBudgetExhausted", Level = LogLevel.Warning,
        Message = "Process retry budget exhausted; provider '{Provider}' is not retried and the request fails over.")]
    public static partial void RetryBudgetExhausted(ILogger logger, string provider);

    [LoggerMessage(EventId = 9, EventName = "CoolingDown", Level = LogLevel.Information,
        Message = "Upstream '{Upstream}' asked to wait {RetryAfter}; its providers are skipped until then.")]
    public static partial void CoolingDown(ILogger logger, string upstream, TimeSpan retryAfter);

    [LoggerMessage(EventId = 10, EventName = "OptionsReloadRejected", Level = LogLevel.Error,
        Message = "Reloaded fallback options were rejected and the previous ones are kept: {Errors}")]
    public static partial void OptionsReloadRejected(ILogger logger, string errors);

    [LoggerMessage(EventId = 11, EventName = "ConfigurationReloadRejected", Level = LogLevel.Error,
        Message = "Reloaded configuration '{Section}' was rejected and the previous values are kept: {Errors}")]
    public static partial void ConfigurationReloadRejected(ILogger logger, string section, string errors);

    [LoggerMessage(EventId = 12, EventName = "PanicCall", Level = LogLevel.Warning,
        Message = "Every provider of the request's plan has an open circuit breaker; calling '{Provider}', the most likely to answer, past its breaker (panic mode).")]
    public static partial void PanicCall(ILogger logger, string provider);
}
