using System.Globalization;
using System.Text;

namespace LlmFallback;

/// <summary>
/// Part of a streamed answer had already reached the caller when the stream failed, and no provider could continue
/// it. What the caller received is incomplete and must not be presented as a whole answer.
/// </summary>
public sealed class LlmPartialResponseException : LlmException
{
    /// <summary>Initializes a new instance of the <see cref="LlmPartialResponseException"/> class.</summary>
    /// <param name="provider">The provider whose stream failed last.</param>
    /// <param name="failure">How it failed.</param>
    /// <param name="committedCharacters">How many characters of text the caller had received.</param>
    /// <param name="attempts">Every attempt made, in order.</param>
    public LlmPartialResponseException(string provider, LlmFailure failure, int committedCharacters, IReadOnlyList<LlmAttempt> attempts)
        : base(BuildMessage(provider, failure, committedCharacters, attempts), attempts, failure?.Exception)
    {
        ArgumentNullException.ThrowIfNull(failure);
        Provider = provider;
        Failure = failure;
        CommittedCharacters = committedCharacters;
    }

    /// <summary>Gets the provider whose stream failed last.</summary>
    public string Provider { get; }

    /// <summary>Gets how the stream failed.</summary>
    public LlmFailure Failure { get; }

    /// <summary>Gets how many characters of text the caller had received before the failure.</summary>
    public int CommittedCharacters { get; }

    private static string BuildMessage(string provider, LlmFailure failure, int committedCharacters, IReadOnlyList<LlmAttempt> attempts)
    {
        ArgumentNullException.ThrowIfNull(provider);
        ArgumentNullException.ThrowIfNull(failure);
        ArgumentNullException.ThrowIfNull(attempts);
        var sb = new StringBuilder(256);
        sb.Append("The streamed response is partial: the stream from '").Append(provider).Append("' failed (")
          .Append(failure.ToString()).Append(") after ").Append(committedCharacters.ToString(CultureInfo.InvariantCulture))
          .Append(" characters had been sent to the caller, and no provider could continue it. Attempts: ");
        LlmFallbackExhaustedException.AppendAttempts(sb, attempts);
        return sb.ToString();
    }
}
