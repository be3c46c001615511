namespace LlmFallback.Samples.Gateway.Hosting;

/// <summary>The gateway's log events (ids 900-909). Never content, keys or provider text: classified facts only.</summary>
internal static partial class GatewayLog
{
    [LoggerMessage(EventId = 900, Level = LogLevel.Information, Message = "Request failed with {Status} ({Code}) after {ExceptionType}.")]
    public static partial void RequestFailed(ILogger logger, int status, string? code, string exceptionType);

    [LoggerMessage(EventId = 901, Level = LogLevel.Warning, Message = "Stream failed after it started ({Code}, {ExceptionType}); the client got an error event.")]
    public static partial void StreamFailed(ILogger logger, string? code, string exceptionType);

    [LoggerMessage(EventId = 902, Level = LogLevel.Error, Message = "Unexpected failure while serving a request.")]
    public static partial void Unexpected(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 903, Level = LogLevel.Information, Message = "Optional provider '{Provider}' joined: {Variable} is set.")]
    public static partial void OptionalProviderAdded(ILogger logger, string provider, string variable);

    [LoggerMessage(EventId = 904, Level = LogLevel.Warning, Message = "Caller {Partition} is over its rate limit.")]
    public static partial void RateLimited(ILogger logger, string partition);

    [LoggerMessage(EventId = 905, Level = LogLevel.Warning, Message = "No provider is configured: answering with SIMULATED providers (LlmFallback.Testing). Anonymous callers allowed: {AllowAnonymous}. Set OPENAI_API_KEY, ANTHROPIC_API_KEY or GEMINI_API_KEY, or configure Llm:Providers, for real answers.")]
    public static partial void Simulated(ILogger logger, bool allowAnonymous);
}
