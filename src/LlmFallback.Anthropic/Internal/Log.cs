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
}
