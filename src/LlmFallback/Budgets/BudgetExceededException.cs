using System.Globalization;

namespace LlmFallback;

/// <summary>
/// A request would not fit in what is left of a budget, and was refused before any provider was called. Says which
/// budget (scope and period), its limit, and when it resets; never the request's content or the id it was for.
/// </summary>
public sealed class BudgetExceededException : LlmException
{
    /// <summary>Initializes a new instance of the <see cref="BudgetExceededException"/> class.</summary>
    /// <param name="scope">Who the exhausted budget limits.</param>
    /// <param name="period">The budget's window: <c>day</c>, <c>month</c> or a duration.</param>
    /// <param name="limit">The budget in US dollars.</param>
    /// <param name="resetsAt">When the window ends and the budget is available again.</param>
    /// <param name="retryAfter">How long until then, from the pipeline's clock.</param>
    /// <exception cref="ArgumentException"><paramref name="period"/> is <see langword="null"/> or blank.</exception>
    public BudgetExceededException(LlmBudgetScope scope, string period, decimal limit, DateTimeOffset resetsAt, TimeSpan retryAfter)
        : base(BuildMessage(scope, period, limit, resetsAt), null, null)
    {
        Scope = scope;
        Period = period;
        Limit = limit;
        ResetsAt = resetsAt;
        RetryAfter = retryAfter < TimeSpan.Zero ? TimeSpan.Zero : retryAfter;
    }

    /// <summary>Gets who the exhausted budget limits.</summary>
    public LlmBudgetScope Scope { get; }

    /// <summary>Gets the budget's window: <c>day</c>, <c>month</c> or a duration such as <c>01:00:00</c>.</summary>
    public string Period { get; }

    /// <summary>Gets the budget in US dollars.</summary>
    public decimal Limit { get; }

    /// <summary>Gets when the budget's window ends.</summary>
    public DateTimeOffset ResetsAt { get; }

    /// <summary>Gets how long until <see cref="ResetsAt"/>, as a gateway's <c>Retry-After</c>.</summary>
    public TimeSpan RetryAfter { get; }

    private static string BuildMessage(LlmBudgetScope scope, string period, decimal limit, DateTimeOffset resetsAt)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(period);
        return string.Create(
            CultureInfo.InvariantCulture,
            $"The {BudgetWindows.ScopeName(scope)} budget per {period} ({limit} USD) has no room for this request; it resets at {resetsAt.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss'Z'}.");
    }
}
