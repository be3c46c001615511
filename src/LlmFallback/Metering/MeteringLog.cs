using Microsoft.Extensions.Logging;

namespace LlmFallback;

/// <summary>The cost-metering stage's log lines. Only names and counts, never message content.</summary>
internal static partial class MeteringLog
{
    [LoggerMessage(EventId = 100, EventName = "ModelUnpriced", Level = LogLevel.Warning,
        Message = "No price is known for model '{Model}' of provider '{Provider}': its calls are metered in tokens but their cost is unknown. Add it under Llm:Pricing or the provider's Pricing.")]
    public static partial void ModelUnpriced(ILogger logger, string model, string provider);

    [LoggerMessage(EventId = 101, EventName = "LedgerFailed", Level = LogLevel.Warning,
        Message = "The cost ledger failed to record a call; the call itself succeeded.")]
    public static partial void LedgerFailed(ILogger logger, Exception exception);
}
