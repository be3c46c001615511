using Microsoft.Extensions.Logging;

namespace LlmFallback.Gemini;

/// <summary>Every log line the Gemini adapter writes: classified facts only, never keys, message content or provider text.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 101, EventName = "GeminiCallFailed", Level = LogLevel.Debug,
        Message = "Gemini call of provider '{Provider}' to model '{Model}' failed: {Failure}.")]
    public static partial void CallFailed(ILogger logger, string provider, string model, LlmFailure failure);

    [LoggerMessage(EventId = 102, EventName = "GeminiBlocked", Level = LogLevel.Debug,
        Message = "Gemini provider '{Provider}' (model '{Model}') blocked the prompt or the answer: {Reason}.")]
    public static partial void Blocked(ILogger logger, string provider, string model, string reason);

    [LoggerMessage(EventId = 103, EventName = "GeminiOptionsNotMapped", Level = LogLevel.Warning,
        Message = "Gemini provider '{Provider}' received options it has no equivalent for; they were not sent (logged once per provider): {Options}.")]
    public static partial void OptionsNotMapped(ILogger logger, string provider, string options);
}
