using System.Text;

namespace LlmFallback;

/// <summary>What the fallback stage did with an attempt after it ended.</summary>
public enum LlmAttemptDecision
{
    /// <summary>The attempt answered; nothing further was needed.</summary>
    Answered = 0,

    /// <summary>The same provider was tried again.</summary>
    Retried = 1,

    /// <summary>The next provider in the chain was tried.</summary>
    FailedOver = 2,

    /// <summary>The failure was returned to the caller.</summary>
    Surfaced = 3,

    /// <summary>The provider was skipped without a call (breaker open, cooling down, or context window too small).</summary>
    Skipped = 4,

    /// <summary>Output had already been streamed; the next provider was asked to continue it.</summary>
    Rescued = 5,

    /// <summary>The call was cancelled, without a verdict on the provider, because a hedged call in parallel answered first.</summary>
    HedgeLost = 6,
}

/// <summary>One call to one provider (or one provider skipped) while serving a request.</summary>
public sealed class LlmAttempt
{
    /// <summary>Initializes a new instance of the <see cref="LlmAttempt"/> class.</summary>
    /// <param name="provider">The provider's name.</param>
    /// <param name="modelId">The model that was asked, if known.</param>
    /// <param name="failure">How the attempt failed, or <see langword="null"/> if it answered.</param>
    /// <param name="duration">How long the attempt took.</param>
    /// <param name="decision">What was done after the attempt.</param>
    public LlmAttempt(string provider, string? modelId, LlmFailure? failure, TimeSpan duration, LlmAttemptDecision decision)
    {
        ArgumentNullException.ThrowIfNull(provider);
        Provider = provider;
        ModelId = modelId;
        Failure = failure;
        Duration = duration;
        Decision = decision;
    }

    /// <summary>Gets the provider's name.</summary>
    public string Provider { get; }

    /// <summary>Gets the model that was asked, if known.</summary>
    public string? ModelId { get; }

    /// <summary>Gets how the attempt failed, or <see langword="null"/> if it answered.</summary>
    public LlmFailure? Failure { get; }

    /// <summary>Gets the failure class, or <see langword="null"/> if the attempt answered.</summary>
    public LlmFailureKind? Kind => Failure?.Kind;

    /// <summary>Gets the HTTP status code of the failure, if any.</summary>
    public int? StatusCode => Failure?.StatusCode;

    /// <summary>Gets how long the attempt took (zero for a skipped provider).</summary>
    public TimeSpan Duration { get; }

    /// <summary>Gets what was done after the attempt.</summary>
    public LlmAttemptDecision Decision { get; internal set; }

    /// <summary>Gets a value indicating whether the attempt answered.</summary>
    public bool Succeeded => Failure is null;

    /// <summary>Describes the attempt without any provider-supplied text.</summary>
    /// <returns>A log-safe description, e.g. <c>openai: RateLimited (HTTP 429, retry after 2s) in 120ms, retried</c>.</returns>
    public override string ToString()
    {
        var sb = new StringBuilder(96).Append(Provider).Append(": ");
        if (Failure is null)
        {
            sb.Append("answered");
        }
        else
        {
            sb.Append(Failure.ToString());
        }

        if (Decision != LlmAttemptDecision.Skipped)
        {
            sb.Append(" in ").Append(LogSafe.Duration(Duration));
        }

        if (Decision != LlmAttemptDecision.Answered)
        {
            sb.Append(", ").Append(Decision switch
            {
                LlmAttemptDecision.Retried => "retried",
                LlmAttemptDecision.FailedOver => "failed over",
                LlmAttemptDecision.Surfaced => "surfaced",
                LlmAttemptDecision.Skipped => "skipped",
                LlmAttemptDecision.Rescued => "rescued by the next provider",
                LlmAttemptDecision.HedgeLost => "cancelled: a hedged call answered first",
                _ => Decision.ToString(),
            });
        }

        return sb.ToString();
    }
}
