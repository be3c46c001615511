using System.ClientModel;
using System.ClientModel.Primitives;

namespace LlmFallback.OpenAI;

/// <summary>
/// Classifies the OpenAI SDK's <see cref="ClientResultException"/> from what the response said: status, error
/// code and type (OpenAI, Azure OpenAI and OpenAI-compatible servers' bodies), <c>retry-after-ms</c> /
/// <c>Retry-After</c> headers, or a "try again in 1.2s" hint. Errors without a response (resets, refused
/// connections, DNS) are left to the shared rules, which read the inner exception.
/// </summary>
/// <remarks>Registered for the <c>OpenAI</c>, <c>AzureOpenAI</c> and <c>OpenAICompatible</c> types by <c>AddOpenAI()</c>.</remarks>
public sealed class OpenAIFailureClassifier : ILlmFailureClassifier
{
    private const int MaxInnerDepth = 8;

    /// <summary>Initializes a new instance of the <see cref="OpenAIFailureClassifier"/> class.</summary>
    /// <param name="timeProvider">The clock used to turn a <c>Retry-After</c> HTTP-date into a delay; <see langword="null"/> for <see cref="TimeProvider.System"/>.</param>
    public OpenAIFailureClassifier(TimeProvider? timeProvider = null)
    {
        TimeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <summary>Gets the clock; the DI registration gives each provider a classifier on the application's <see cref="System.TimeProvider"/>.</summary>
    internal TimeProvider TimeProvider { get; }

    /// <inheritdoc />
    public LlmFailure? Classify(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var result = Find(exception);
        if (result is null || result.Status == 0 || result.GetRawResponse() is not { } response)
        {
            return null;
        }

        var status = response.Status != 0 ? response.Status : result.Status;
        response.Headers.TryGetValue("retry-after-ms", out var retryAfterMs);
        response.Headers.TryGetValue("Retry-After", out var retryAfterHeader);
        var error = OpenAIErrorBody.Parse(TryGetContent(response));
        TimeSpan? retryAfter = LlmRetryAfter.TryParse(retryAfterMs, retryAfterHeader, TimeProvider.GetUtcNow(), out var delay) ? delay : null;
        if (retryAfter is null && (status == 429 || status >= 500) && RetryHint.TryParse(error.Message, out var hinted))
        {
            retryAfter = hinted;
        }

        var failure = LlmFailureClassifier.FromHttpStatus(status, error.Code, error.Message, retryAfter, exception);

        // "string_above_max_length" is a too-long prompt string, except on a tool-call id ("Invalid
        // 'messages[1].tool_calls[0].id': string too long. Expected … maximum length 40"): a malformed request, which
        // a provider with a larger context window would refuse just the same.
        return failure.Kind == LlmFailureKind.ContextLengthExceeded && IsToolCallIdTooLong(error.Message)
            ? new LlmFailure(LlmFailureKind.BadRequest, status, retryAfter, error.Code, exception)
            : failure;
    }

    private static bool IsToolCallIdTooLong(string? message) => message is not null
        && message.Contains("string too long", StringComparison.Ordinal)
        && (message.Contains("].id'", StringComparison.Ordinal) || message.Contains("tool_call_id'", StringComparison.Ordinal));

    private static ClientResultException? Find(Exception exception)
    {
        var current = exception;
        for (var depth = 0; current is not null && depth < MaxInnerDepth; depth++)
        {
            if (current is ClientResultException result)
            {
                return result;
            }

            current = current.InnerException;
        }

        return null;
    }

    private static BinaryData? TryGetContent(PipelineResponse response)
    {
        try
        {
            return response.Content;
        }
        catch (InvalidOperationException)
        {
            // A streamed response whose body was not buffered: status and headers still classify it.
            return null;
        }
    }
}
