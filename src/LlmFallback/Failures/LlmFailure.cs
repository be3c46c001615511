using System.Globalization;
using System.Text;

namespace LlmFallback;

/// <summary>A classified failure: what went wrong, and the facts a retry or fail-over decision needs.</summary>
/// <remarks>
/// A failure never holds provider-supplied free text, so it is safe to log and to put in exception messages.
/// The original exception, which may hold such text, is kept in <see cref="Exception"/>.
/// </remarks>
public sealed class LlmFailure
{
    /// <summary>Initializes a new instance of the <see cref="LlmFailure"/> class.</summary>
    /// <param name="kind">The failure class.</param>
    /// <param name="statusCode">The HTTP status code, when the failure came from an HTTP response.</param>
    /// <param name="retryAfter">How long the provider asked the caller to wait, when it said.</param>
    /// <param name="errorCode">The provider's machine-readable error code or type (for example <c>context_length_exceeded</c>).</param>
    /// <param name="exception">The exception that was classified.</param>
    public LlmFailure(LlmFailureKind kind, int? statusCode = null, TimeSpan? retryAfter = null, string? errorCode = null, Exception? exception = null)
    {
        if (retryAfter < TimeSpan.Zero)
        {
            retryAfter = TimeSpan.Zero;
        }

        Kind = kind;
        StatusCode = statusCode;
        RetryAfter = retryAfter;
        ErrorCode = errorCode;
        Exception = exception;
    }

    /// <summary>Gets the failure class.</summary>
    public LlmFailureKind Kind { get; }

    /// <summary>Gets the HTTP status code, if the failure came from an HTTP response.</summary>
    public int? StatusCode { get; }

    /// <summary>Gets how long the provider asked the caller to wait before trying again, if it said.</summary>
    public TimeSpan? RetryAfter { get; }

    /// <summary>Gets the provider's machine-readable error code or type, if it sent one.</summary>
    public string? ErrorCode { get; }

    /// <summary>Gets the exception that was classified, if any.</summary>
    /// <remarks>Its message is the provider's or the transport's text: treat it like provider output, not like a log line.</remarks>
    public Exception? Exception { get; }

    /// <summary>Gets a value indicating whether the same provider may succeed if asked again later.</summary>
    public bool IsTransient => Kind is LlmFailureKind.RateLimited or LlmFailureKind.ServerError or LlmFailureKind.Timeout or LlmFailureKind.Transport;

    /// <summary>Returns a copy of this failure with a different kind, keeping every other fact.</summary>
    /// <param name="kind">The new kind.</param>
    /// <returns>The reclassified failure.</returns>
    public LlmFailure WithKind(LlmFailureKind kind) => kind == Kind ? this : new(kind, StatusCode, RetryAfter, ErrorCode, Exception);

    /// <summary>Describes the failure without any provider-supplied text, e.g. <c>RateLimited (HTTP 429, rate_limit_exceeded, retry after 2s)</c>.</summary>
    /// <returns>A log-safe description.</returns>
    public override string ToString()
    {
        var sb = new StringBuilder(64);
        sb.Append(Kind.ToString());
        var open = false;
        void Next()
        {
            sb.Append(open ? ", " : " (");
            open = true;
        }

        if (StatusCode is { } status)
        {
            Next();
            sb.Append("HTTP ").Append(status.ToString(CultureInfo.InvariantCulture));
        }

        if (ErrorCode is { Length: > 0 } code)
        {
            Next();
            sb.Append(LogSafe.Code(code));
        }

        if (RetryAfter is { } after)
        {
            Next();
            sb.Append("retry after ").Append(LogSafe.Duration(after));
        }

        if (open)
        {
            sb.Append(')');
        }

        return sb.ToString();
    }
}
