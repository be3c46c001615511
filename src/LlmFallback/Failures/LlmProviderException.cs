using System.Globalization;
using System.Text;

namespace LlmFallback;

/// <summary>A classified failure of one provider: thrown by native adapters, and by the fallback stage when it surfaces a failure.</summary>
public sealed class LlmProviderException : LlmException
{
    /// <summary>Initializes a new instance of the <see cref="LlmProviderException"/> class.</summary>
    /// <param name="kind">The failure class.</param>
    /// <param name="provider">The provider's name, if known.</param>
    /// <param name="statusCode">The HTTP status code, if any.</param>
    /// <param name="retryAfter">How long the provider asked the caller to wait, if it said.</param>
    /// <param name="errorCode">The provider's machine-readable error code or type, if any.</param>
    /// <param name="innerException">The underlying exception, if any.</param>
    public LlmProviderException(LlmFailureKind kind, string? provider = null, int? statusCode = null, TimeSpan? retryAfter = null, string? errorCode = null, Exception? innerException = null)
        : this(new LlmFailure(kind, statusCode, retryAfter, errorCode, innerException), provider, attempts: null)
    {
    }

    internal LlmProviderException(LlmFailure failure, string? provider, IReadOnlyList<LlmAttempt>? attempts)
        : base(BuildMessage(failure, provider, attempts), attempts, failure.Exception)
    {
        Failure = failure;
        Provider = provider;
    }

    /// <summary>Gets the classified failure.</summary>
    public LlmFailure Failure { get; }

    /// <summary>Gets the failure class.</summary>
    public LlmFailureKind Kind => Failure.Kind;

    /// <summary>Gets the provider's name, if known.</summary>
    public string? Provider { get; }

    /// <summary>Gets the HTTP status code, if any.</summary>
    public int? StatusCode => Failure.StatusCode;

    /// <summary>Gets how long the provider asked the caller to wait, if it said.</summary>
    public TimeSpan? RetryAfter => Failure.RetryAfter;

    /// <summary>Gets the provider's machine-readable error code or type, if any.</summary>
    public string? ErrorCode => Failure.ErrorCode;

    private static string BuildMessage(LlmFailure failure, string? provider, IReadOnlyList<LlmAttempt>? attempts)
    {
        var sb = new StringBuilder(128);
        sb.Append(provider is null ? "The LLM provider failed: " : "LLM provider '").Append(provider is null ? string.Empty : provider + "' failed: ");
        sb.Append(failure.ToString()).Append('.');
        if (attempts is { Count: > 1 })
        {
            sb.Append(' ').Append(attempts.Count.ToString(CultureInfo.InvariantCulture)).Append(" attempts: ");
            LlmFallbackExhaustedException.AppendAttempts(sb, attempts);
        }

        return sb.ToString();
    }
}
