using System.Globalization;
using System.Text;

namespace LlmFallback;

/// <summary>Every provider in the chain failed or was unavailable; <see cref="LlmException.Attempts"/> lists each one.</summary>
public sealed class LlmFallbackExhaustedException : LlmException
{
    /// <summary>Initializes a new instance of the <see cref="LlmFallbackExhaustedException"/> class.</summary>
    /// <param name="attempts">Every attempt made, in order.</param>
    /// <param name="retryAt">The earliest time a provider in the chain will accept traffic again, if one is cooling down.</param>
    /// <param name="now">The current time, used to state the wait relative to now.</param>
    public LlmFallbackExhaustedException(IReadOnlyList<LlmAttempt> attempts, DateTimeOffset? retryAt, DateTimeOffset now)
        : base(BuildMessage(attempts, retryAt, now), attempts, LastException(attempts))
    {
        RetryAt = retryAt;
        RetryAfter = retryAt is { } at ? (at > now ? at - now : TimeSpan.Zero) : null;
    }

    /// <summary>
    /// Gets the earliest time a provider of the chain accepts calls again: the end of the shortest breaker break or
    /// cool-down, or the moment of the failure if some provider failed but still accepts calls.
    /// </summary>
    /// <remarks>
    /// The fallback stage always sets it, so a gateway can answer with a <c>Retry-After</c> header instead of a bare
    /// "no deployments available". <see langword="null"/> only when the exception was made elsewhere without one.
    /// </remarks>
    public DateTimeOffset? RetryAt { get; }

    /// <summary>Gets <see cref="RetryAt"/> as a delay from when the exception was thrown.</summary>
    public TimeSpan? RetryAfter { get; }

    /// <summary>Gets the failure class of the last attempt that was actually made, if any was.</summary>
    public LlmFailureKind? LastFailureKind
    {
        get
        {
            for (var i = Attempts.Count - 1; i >= 0; i--)
            {
                if (Attempts[i].Decision != LlmAttemptDecision.Skipped && Attempts[i].Failure is { } f)
                {
                    return f.Kind;
                }
            }

            return null;
        }
    }

    internal static void AppendAttempts(StringBuilder sb, IReadOnlyList<LlmAttempt> attempts)
    {
        for (var i = 0; i < attempts.Count; i++)
        {
            if (i > 0)
            {
                sb.Append("; ");
            }

            sb.Append(attempts[i].ToString());
        }

        sb.Append('.');
    }

    private static string BuildMessage(IReadOnlyList<LlmAttempt> attempts, DateTimeOffset? retryAt, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(attempts);
        var sb = new StringBuilder(256);
        sb.Append("Every LLM provider failed or was unavailable (")
          .Append(attempts.Count.ToString(CultureInfo.InvariantCulture))
          .Append(attempts.Count == 1 ? " attempt): " : " attempts): ");
        AppendAttempts(sb, attempts);
        if (retryAt is { } at && at > now)
        {
            sb.Append(" The earliest a provider accepts traffic again is in ").Append(LogSafe.Duration(at - now)).Append('.');
        }
        else if (retryAt is not null)
        {
            sb.Append(" A provider accepts traffic again now.");
        }

        return sb.ToString();
    }

    private static Exception? LastException(IReadOnlyList<LlmAttempt> attempts)
    {
        for (var i = attempts.Count - 1; i >= 0; i--)
        {
            if (attempts[i].Failure?.Exception is { } e)
            {
                return e;
            }
        }

        return null;
    }
}
