using System.Text.Json;

namespace LlmFallback.Gemini;

/// <summary>Turns Gemini error bodies (<c>google.rpc.Status</c>) and blocked answers into classified <see cref="LlmProviderException"/>s.</summary>
internal static partial class GeminiErrors
{
    /// <summary>Error bodies are small; a larger one is not a Gemini error and is classified by status alone.</summary>
    private const int MaxErrorBodyBytes = 64 * 1024;

    /// <summary>The error code of a request whose uploaded file is missing or not readable with this key: the request's fault, not the provider's.</summary>
    public const string FileNotFoundCode = "FILE_NOT_FOUND";

    /// <summary>The error code of a request whose uploaded file is still being processed (not <c>ACTIVE</c> yet): the request's fault, not the provider's.</summary>
    public const string FileNotActiveCode = "FILE_NOT_ACTIVE";

    public static async Task<LlmProviderException> FromResponseAsync(HttpResponseMessage response, string provider, string apiKey, TimeProvider timeProvider, bool hasFileData, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        TimeSpan? headerDelay = LlmRetryAfter.TryParse(response.Headers, timeProvider.GetUtcNow(), out var delay) ? delay : null;
        GeminiError? error = null;
        try
        {
            var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                error = await ReadErrorAsync(stream, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is JsonException or IOException or HttpRequestException)
        {
            // No readable body: the status decides.
        }

        return Create(status, error, headerDelay, provider, apiKey, hasFileData);
    }

    /// <summary>
    /// Classifies an error, from an HTTP response or from an error object inside a stream. The server's message is kept
    /// (on the inner exception) only with <paramref name="apiKey"/> and anything else shaped like a credential removed.
    /// </summary>
    /// <param name="status">The HTTP status, or the error's own <c>code</c> inside a stream.</param>
    /// <param name="error">The error body, when it could be read.</param>
    /// <param name="headerDelay">The delay the response headers asked for.</param>
    /// <param name="provider">The provider's name.</param>
    /// <param name="apiKey">The key the request was sent with, removed from any text kept.</param>
    /// <param name="hasFileData">Whether the request referred to uploaded files (<c>fileData</c>).</param>
    public static LlmProviderException Create(int status, GeminiError? error, TimeSpan? headerDelay, string provider, string? apiKey, bool hasFileData = false)
    {
        var retryAfter = headerDelay;
        string? reason = null;
        var quotaGone = false;
        if (error?.Details is { } details)
        {
            foreach (var detail in details)
            {
                var type = detail.Type;
                if (type is null)
                {
                    continue;
                }

                if (type.EndsWith("google.rpc.RetryInfo", StringComparison.Ordinal) && LlmRetryAfter.TryParseDuration(detail.RetryDelay, out var retryDelay))
                {
                    // Both forms present: honour the longer wait, never the shorter.
                    retryAfter = retryAfter is { } other && other > retryDelay ? other : retryDelay;
                }
                else if (type.EndsWith("google.rpc.ErrorInfo", StringComparison.Ordinal))
                {
                    reason ??= detail.Reason;
                }
                else if (type.EndsWith("google.rpc.QuotaFailure", StringComparison.Ordinal) && detail.Violations is { } violations)
                {
                    foreach (var violation in violations)
                    {
                        // A per-day quota does not come back in seconds: waiting is not a plan.
                        quotaGone |= violation.QuotaId?.Contains("PerDay", StringComparison.Ordinal) == true;
                    }
                }
            }
        }

        var message = error?.Message;

        // "limit: 0": the model has no quota at all on this key's tier.
        quotaGone |= message?.Contains("limit: 0", StringComparison.Ordinal) == true;
        var code = error?.Status;
        var kind = LlmFailureClassifier.FromHttpStatus(status, code, message, retryAfter).Kind;
        if (hasFileData && IsFileNotActive(message))
        {
            // "The File … is not in an ACTIVE state": a 400 FAILED_PRECONDITION about a file the request names that
            // the Files API is still processing, not about the account. Not the provider's health.
            kind = LlmFailureKind.BadRequest;
            reason = FileNotActiveCode;
        }
        else if (IsAccountReason(reason) || string.Equals(code, "FAILED_PRECONDITION", StringComparison.Ordinal))
        {
            // API_KEY_INVALID comes as a 400 INVALID_ARGUMENT; FAILED_PRECONDITION means the API is not available to
            // this account (region, billing). Neither is the request's fault, and no retry will help.
            kind = LlmFailureKind.Authentication;
        }
        else if (kind == LlmFailureKind.RateLimited && quotaGone)
        {
            kind = LlmFailureKind.Authentication;
        }
        else if (hasFileData && IsMissingFile(status, message))
        {
            // The model exists; a file the request names does not (expired after 48 hours, deleted, or another
            // project's). Not the provider's health: the breaker must not isolate it.
            kind = LlmFailureKind.BadRequest;
            reason = FileNotFoundCode;
        }
        else if (status is 500 or 504 && IsTooLong(message))
        {
            // Documented causes of INTERNAL and DEADLINE_EXCEEDED: "the input context is too long", "the prompt (or
            // context) is too large to be processed in time". Only a larger window helps.
            kind = LlmFailureKind.ContextLengthExceeded;
        }

        var inner = new HttpRequestException(message is null ? $"Gemini returned HTTP {status}." : LlmSecrets.Scrub(message, apiKey), null, status is >= 100 and < 1000 ? (System.Net.HttpStatusCode)status : null);
        return new LlmProviderException(kind, provider, status, retryAfter, reason ?? code, inner);
    }

    /// <summary>
    /// The prompt or the answer was blocked by a safety or policy filter. Gemini says so in a successful response, so
    /// the status is the response's 200; the block or finish reason is the error code.
    /// </summary>
    public static LlmProviderException Blocked(string reason, string provider) =>
        new(LlmFailureKind.ContentPolicy, provider, statusCode: 200, retryAfter: null, errorCode: reason);

    /// <summary>
    /// Classifies what the adapter itself throws before any call: an <see cref="ArgumentException"/> is the caller's
    /// request (a seed out of range, a result without its call), never the provider's health.
    /// </summary>
    public static LlmFailure? Classify(Exception exception) =>
        exception is ArgumentException ? new LlmFailure(LlmFailureKind.BadRequest, exception: exception) : null;

    private static bool IsMissingFile(int status, string? message) =>
        (status == 404 && message?.Contains("models/", StringComparison.Ordinal) != true)
        || (status == 403 && message?.Contains("access the File", StringComparison.Ordinal) == true);

    private static bool IsFileNotActive(string? message) => message?.Contains("not in an ACTIVE state", StringComparison.Ordinal) == true;

    private static bool IsTooLong(string? message) => message is not null
        && (message.Contains("context is too long", StringComparison.OrdinalIgnoreCase)
            || message.Contains("too large to be processed", StringComparison.OrdinalIgnoreCase));

    private static bool IsAccountReason(string? reason) => reason is not null
        && (reason.StartsWith("API_KEY_", StringComparison.Ordinal)
            || reason is "SERVICE_DISABLED" or "CONSUMER_SUSPENDED" or "BILLING_DISABLED" or "ACCESS_TOKEN_EXPIRED");
}
