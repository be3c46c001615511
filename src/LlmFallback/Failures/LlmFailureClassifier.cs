using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text.Json;

namespace LlmFallback;

/// <summary>
/// The classification rules every adapter shares: HTTP status codes, well-known provider error codes, error-text
/// patterns, and .NET transport exceptions.
/// </summary>
/// <remarks>
/// <para>Anything not recognised is <see cref="LlmFailureKind.ServerError"/>: it is retried per the provider's
/// policy and then fails over, because an unknown fault is far more often the provider's than the request's.</para>
/// <para>Adapters add their own <see cref="ILlmFailureClassifier"/> for their SDK's exception types and call
/// <see cref="FromHttpStatus"/> with what they read from the response.</para>
/// </remarks>
public static class LlmFailureClassifier
{
    private const int MaxInnerDepth = 8;

    /// <summary>
    /// The error code of a successful answer to a streaming request whose body is not an event stream (an HTML page
    /// from a proxy or sign-in wall, a JSON error with status 200, plain text): <c>unexpected_content_type</c>. The
    /// failure is <see cref="LlmFailureKind.ServerError"/>, so the request fails over.
    /// </summary>
    public const string UnexpectedContentTypeCode = "unexpected_content_type";

    /// <summary>Gets the classifier that applies the shared rules; it recognises every exception.</summary>
    public static ILlmFailureClassifier Default { get; } = new DefaultClassifier();

    /// <summary>Classifies a failed HTTP response from what an adapter could read of it.</summary>
    /// <param name="statusCode">The HTTP status code.</param>
    /// <param name="errorCode">The provider's error code or type (for example <c>context_length_exceeded</c> or <c>overloaded_error</c>), if any.</param>
    /// <param name="errorMessage">The provider's error message, used only to recognise context-length and policy errors; never stored.</param>
    /// <param name="retryAfter">The delay the provider asked for, if any.</param>
    /// <param name="exception">The exception being classified, if any.</param>
    /// <returns>The classification.</returns>
    public static LlmFailure FromHttpStatus(int statusCode, string? errorCode = null, string? errorMessage = null, TimeSpan? retryAfter = null, Exception? exception = null)
    {
        var kind = KindFromErrorCode(errorCode) ?? KindFromText(errorMessage) ?? KindFromStatus(statusCode);

        // Some servers answer context-length errors with generic codes (400/413/422/500, invalid_request_error,
        // server_error, INVALID_ARGUMENT); a recognised text is more specific than a generic code, so it decides.
        if (kind is LlmFailureKind.BadRequest or LlmFailureKind.ServerError && KindFromText(errorMessage) is { } textKind)
        {
            kind = textKind;
        }

        return new LlmFailure(kind, statusCode, retryAfter, errorCode, exception);
    }

    /// <summary>
    /// Checks that a successful answer to a streaming request is an event stream (<c>text/event-stream</c>). Adapters
    /// call it once the response headers are in, so an HTML page, a JSON error or plain text sent with a 2xx status is
    /// reported as what it is instead of as a stream that ended early.
    /// </summary>
    /// <param name="contentType">The response's <c>Content-Type</c> header value, if any.</param>
    /// <param name="statusCode">The response's status code.</param>
    /// <param name="provider">The provider's name, if known.</param>
    /// <returns>
    /// <see langword="null"/> for an event stream; otherwise the failure to throw: <see cref="LlmFailureKind.ServerError"/>
    /// with <see cref="UnexpectedContentTypeCode"/>, whose inner exception names the media type that came.
    /// </returns>
    public static LlmProviderException? CheckStreamContentType(string? contentType, int statusCode, string? provider)
    {
        if (MediaTypeHeaderValue.TryParse(contentType, out var parsed) && string.Equals(parsed.MediaType, "text/event-stream", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        // The parsed media type is a token/token pair, never free text; the rest of the header (parameters) is dropped.
        var mediaType = string.IsNullOrWhiteSpace(contentType) ? "(none)" : parsed?.MediaType ?? "(invalid)";
        var detail = new InvalidDataException(
            $"The provider answered a streaming request with HTTP {statusCode.ToString(System.Globalization.CultureInfo.InvariantCulture)} and Content-Type '{mediaType}' instead of an event stream (text/event-stream).");
        return new LlmProviderException(LlmFailureKind.ServerError, provider, statusCode, retryAfter: null, UnexpectedContentTypeCode, detail);
    }

    /// <summary>Maps an HTTP status code alone to a failure kind.</summary>
    /// <param name="statusCode">The HTTP status code.</param>
    /// <returns>The failure kind.</returns>
    public static LlmFailureKind KindFromStatus(int statusCode) => statusCode switch
    {
        400 or 422 => LlmFailureKind.BadRequest,
        401 or 403 => LlmFailureKind.Authentication,
        402 => LlmFailureKind.Authentication,
        404 => LlmFailureKind.ModelNotFound,
        408 => LlmFailureKind.Timeout,
        409 => LlmFailureKind.ServerError,
        413 => LlmFailureKind.ContextLengthExceeded,
        429 => LlmFailureKind.RateLimited,
        504 => LlmFailureKind.Timeout,
        >= 500 => LlmFailureKind.ServerError,
        >= 400 => LlmFailureKind.BadRequest,
        _ => LlmFailureKind.ServerError,
    };

    /// <summary>Maps a well-known provider error code or type to a failure kind.</summary>
    /// <param name="errorCode">The error code, error type or status string (OpenAI, Azure OpenAI, Anthropic, Gemini).</param>
    /// <returns>The failure kind, or <see langword="null"/> if the code is not one the library knows.</returns>
    public static LlmFailureKind? KindFromErrorCode(string? errorCode)
    {
        if (string.IsNullOrEmpty(errorCode))
        {
            return null;
        }

        return errorCode.ToUpperInvariant() switch
        {
            "CONTEXT_LENGTH_EXCEEDED" or "STRING_ABOVE_MAX_LENGTH" or "REQUEST_TOO_LARGE" or "EXCEED_CONTEXT_SIZE_ERROR" => LlmFailureKind.ContextLengthExceeded,
            "CONTENT_FILTER" or "CONTENT_POLICY_VIOLATION" or "RESPONSIBLEAIPOLICYVIOLATION" or "SAFETY" or "PROHIBITED_CONTENT" or "BLOCKLIST" or "RECITATION" or "SPII" => LlmFailureKind.ContentPolicy,
            "RATE_LIMIT_EXCEEDED" or "RATE_LIMIT_ERROR" or "RESOURCE_EXHAUSTED" or "TOO_MANY_REQUESTS" => LlmFailureKind.RateLimited,
            "INSUFFICIENT_QUOTA" or "BILLING_HARD_LIMIT_REACHED" or "INVALID_API_KEY" or "AUTHENTICATION_ERROR" or "PERMISSION_ERROR" or "PERMISSION_DENIED" or "UNAUTHENTICATED" or "BILLING_ERROR" => LlmFailureKind.Authentication,
            "MODEL_NOT_FOUND" or "DEPLOYMENTNOTFOUND" or "NOT_FOUND_ERROR" or "NOT_FOUND" => LlmFailureKind.ModelNotFound,
            "OVERLOADED_ERROR" or "API_ERROR" or "SERVER_ERROR" or "INTERNAL" or "UNAVAILABLE" or "SERVICE_UNAVAILABLE" => LlmFailureKind.ServerError,
            "DEADLINE_EXCEEDED" or "TIMEOUT_ERROR" or "TIMEOUT" => LlmFailureKind.Timeout,
            "INVALID_ARGUMENT" or "INVALID_REQUEST_ERROR" or "FAILED_PRECONDITION" => LlmFailureKind.BadRequest,
            _ => null,
        };
    }

    /// <summary>
    /// Recognises context-length and content-policy errors from their text, for servers that do not send a code
    /// (vLLM, llama.cpp, Ollama, TGI, LM Studio, and older provider APIs).
    /// </summary>
    /// <param name="message">The provider's error text.</param>
    /// <returns>The failure kind, or <see langword="null"/> if the text matches no known pattern.</returns>
    public static LlmFailureKind? KindFromText(string? message)
    {
        if (string.IsNullOrEmpty(message))
        {
            return null;
        }

        foreach (var pattern in ContextLengthPatterns)
        {
            if (message.Contains(pattern, StringComparison.OrdinalIgnoreCase))
            {
                return LlmFailureKind.ContextLengthExceeded;
            }
        }

        foreach (var pattern in ContentPolicyPatterns)
        {
            if (message.Contains(pattern, StringComparison.OrdinalIgnoreCase))
            {
                return LlmFailureKind.ContentPolicy;
            }
        }

        return null;
    }

    /// <summary>Classifies .NET's own transport and timeout exceptions, walking inner exceptions.</summary>
    /// <param name="exception">The exception.</param>
    /// <returns>The classification; never <see langword="null"/>.</returns>
    public static LlmFailure Classify(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var current = exception;
        for (var depth = 0; current is not null && depth < MaxInnerDepth; depth++)
        {
            if (TryClassifyOne(current, exception) is { } failure)
            {
                return failure;
            }

            current = current is AggregateException { InnerExceptions.Count: 1 } aggregate ? aggregate.InnerExceptions[0] : current.InnerException;
        }

        return new LlmFailure(LlmFailureKind.ServerError, exception: exception);
    }

    private static LlmFailure? TryClassifyOne(Exception current, Exception original) => current switch
    {
        LlmProviderException p => new LlmFailure(p.Kind, p.StatusCode, p.RetryAfter, p.ErrorCode, original),
        HttpRequestException { StatusCode: { } status } => FromHttpStatus((int)status, exception: original),
        HttpRequestException { HttpRequestError: HttpRequestError.InvalidResponse or HttpRequestError.ConfigurationLimitExceeded } => new LlmFailure(LlmFailureKind.ServerError, exception: original),
        HttpRequestException => new LlmFailure(LlmFailureKind.Transport, exception: original),
        HttpIOException => new LlmFailure(LlmFailureKind.Transport, exception: original),
        SocketException => new LlmFailure(LlmFailureKind.Transport, exception: original),
        TimeoutException => new LlmFailure(LlmFailureKind.Timeout, exception: original),

        // Not the caller's token (the fallback checks that first): an HttpClient or SDK timeout.
        OperationCanceledException => new LlmFailure(LlmFailureKind.Timeout, exception: original),
        JsonException or InvalidDataException or FormatException => new LlmFailure(LlmFailureKind.ServerError, exception: original),

        // An adapter that rejects the request before sending it (an option it cannot map, a value out of range): the
        // caller's mistake, never the provider's, and no other provider would take it either.
        ArgumentException or NotSupportedException when current == original => new LlmFailure(LlmFailureKind.BadRequest, errorCode: "invalid_request", exception: original),
        IOException when current.InnerException is null => new LlmFailure(LlmFailureKind.Transport, exception: original),
        _ => null,
    };

    private static readonly string[] ContextLengthPatterns =
    [
        "context_length_exceeded",
        "context length",
        "context window",
        "context size",
        "maximum context",
        "prompt is too long",
        "prompt too long",
        "too many tokens",
        "input is too long",
        "input token count",
        "exceeds the maximum number of tokens",
        "maximum number of tokens",
        "max_new_tokens",
        "reduce the length of the messages",
        "exceed_context_size",
        "maximum model length",
        "max_model_len",
        "`inputs` must have less than",
        "cannot truncate prompt",
    ];

    private static readonly string[] ContentPolicyPatterns =
    [
        "content_filter",
        "content_policy_violation",
        "content management policy",
        "responsibleaipolicyviolation",
    ];

    private sealed class DefaultClassifier : ILlmFailureClassifier
    {
        public LlmFailure Classify(Exception exception) => LlmFailureClassifier.Classify(exception);
    }
}
