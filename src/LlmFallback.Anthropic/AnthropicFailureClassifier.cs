using System.Text.Json;
using Anthropic.Exceptions;

namespace LlmFallback.Anthropic;

/// <summary>
/// Classifies the Anthropic SDK's exceptions: HTTP errors by status and <c>error.type</c> (529
/// <c>overloaded_error</c>, 429 <c>rate_limit_error</c> with its <c>retry-after</c>, 401/403, 404
/// <c>not_found_error</c>, 413 <c>request_too_large</c>, 400 "prompt is too long" or "input length and
/// <c>max_tokens</c> exceed context limit", 500 <c>api_error</c>),
/// <c>error</c> events sent mid-stream, malformed responses, and I/O failures.
/// </summary>
/// <remarks>
/// Registered with the <c>Anthropic</c> provider type by <c>AddAnthropic()</c>. The provider's response headers are
/// not kept by the SDK's exceptions; the adapter's client records <c>retry-after</c> on the exception it throws, and
/// this classifier reads it back. Provider text is only matched, never stored.
/// </remarks>
public sealed class AnthropicFailureClassifier : ILlmFailureClassifier
{
    /// <summary>The key under which the adapter stores the provider's requested delay in <see cref="Exception.Data"/>.</summary>
    internal const string RetryAfterDataKey = "LlmFallback.Anthropic.RetryAfter";

    private const int MaxDepth = 8;

    // Sent as error.details.error_code on a 429 or 400 when a spend limit, not a burst, stops the account:
    // waiting seconds will not help, so these are account failures.
    private static readonly string[] SpendLimitCodes =
    [
        "enforced_spend_limit_reached",
        "contract_spend_limit_reached",
        "linked_organization_spend_limit_reached",
        "linked_organization_billing_unavailable",
        "organization_on_hold",
    ];

    private AnthropicFailureClassifier()
    {
    }

    /// <summary>Gets the classifier.</summary>
    public static AnthropicFailureClassifier Instance { get; } = new();

    /// <inheritdoc />
    public LlmFailure? Classify(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var current = exception;
        for (var depth = 0; current is not null && depth < MaxDepth; depth++)
        {
            switch (current)
            {
                case AnthropicApiException api:
                    return FromError((int)api.StatusCode, api.Body, RetryAfter(api), exception);
                case AnthropicSseException sse:
                    return FromStreamError(sse.Body, exception);
                case AnthropicInvalidDataException:
                    return new LlmFailure(LlmFailureKind.ServerError, errorCode: "invalid_response", exception: exception);
                case AnthropicIOException:
                    // Read through the base type: the SDK's typed InnerException throws when there is none.
                    var inner = ((Exception)current).InnerException;
                    var transport = inner is null ? null : LlmFailureClassifier.Classify(inner);
                    return new LlmFailure(transport?.Kind ?? LlmFailureKind.Transport, transport?.StatusCode, transport?.RetryAfter, transport?.ErrorCode, exception);
            }

            current = current.InnerException;
        }

        return null;
    }

    private static LlmFailure FromError(int status, JsonElement body, TimeSpan? retryAfter, Exception exception)
    {
        var (type, message, code) = Read(body);
        if (code is not null && Array.IndexOf(SpendLimitCodes, code) >= 0)
        {
            return new LlmFailure(LlmFailureKind.Authentication, status, retryAfter, code, exception);
        }

        if (Contains(message, "content filtering policy"))
        {
            return new LlmFailure(LlmFailureKind.ContentPolicy, status, retryAfter, type, exception);
        }

        // The account cannot be served at all: no credit, disabled, or past its spend limit (that limit also comes as
        // a 400 with only this text, without details.error_code).
        if (Contains(message, "credit balance is too low") || Contains(message, "organization has been disabled")
            || Contains(message, "reached your specified API usage limits"))
        {
            return new LlmFailure(LlmFailureKind.Authentication, status, retryAfter, type, exception);
        }

        if (Contains(message, "exceed context limit"))
        {
            // "input length and `max_tokens` exceed context limit: 178959 + 64000 > 200000, ...": the prompt fits but
            // not with room for the answer. A larger window takes it, as it takes a prompt that is too long.
            return new LlmFailure(LlmFailureKind.ContextLengthExceeded, status, retryAfter, type, exception);
        }

        return LlmFailureClassifier.FromHttpStatus(status, type, message, retryAfter, exception);
    }

    /// <summary>An <c>event: error</c> after the 200: no status on the wire, so the error type decides (unknown: server error).</summary>
    private static LlmFailure FromStreamError(JsonElement body, Exception exception)
    {
        var failure = FromError(500, body, null, exception);
        return new LlmFailure(failure.Kind, statusCode: null, retryAfter: null, failure.ErrorCode, exception);
    }

    private static (string? Type, string? Message, string? Code) Read(JsonElement body)
    {
        if (body.ValueKind != JsonValueKind.Object || !body.TryGetProperty("error", out var error) || error.ValueKind != JsonValueKind.Object)
        {
            return default;
        }

        string? code = null;
        if (error.TryGetProperty("details", out var details) && details.ValueKind == JsonValueKind.Object)
        {
            code = String(details, "error_code");
        }

        return (String(error, "type"), String(error, "message"), code);
    }

    private static string? String(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static bool Contains(string? text, string pattern) => text is not null && text.Contains(pattern, StringComparison.OrdinalIgnoreCase);

    private static TimeSpan? RetryAfter(Exception exception) => exception.Data[RetryAfterDataKey] is TimeSpan delay ? delay : null;
}
