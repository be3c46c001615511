using Microsoft.Extensions.Logging;

namespace LlmFallback.Anthropic;

/// <summary>The adapter's log messages (category <c>LlmFallback.Anthropic</c>, event ids 3001 and up); never keys or message content.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 3001, EventName = "AnthropicProviderCreated", Level = LogLevel.Debug,
        Message = "Anthropic provider '{Provider}' serves model {Model}: context window {ContextWindow}, max output {MaxOutputTokens}, prefill continuation {PrefillContinuation}.")]
    public static partial void ProviderCreated(ILogger logger, string provider, string model, int? contextWindow, int? maxOutputTokens, bool prefillContinuation);

    [LoggerMessage(EventId = 3002, EventName = "AnthropicModelUnknown", Level = LogLevel.Warning,
        Message = "Anthropic provider '{Provider}': model {Model} is not in the adapter's model table, so its context window is unknown and it will not continue rescued streams. Set Capabilities in its configuration.")]
    public static partial void ModelUnknown(ILogger logger, string provider, string model);

    [LoggerMessage(EventId = 3003, EventName = "AnthropicThinkingTurnedOff", Level = LogLevel.Information,
        Message = "Anthropic provider '{Provider}' turned thinking off for a request that continues a tool call made without Anthropic thinking (another provider's, after a fail-over); the API refuses thinking there. Logged once per provider.")]
    public static partial void ThinkingTurnedOff(ILogger logger, string provider);
}
