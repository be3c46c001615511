using System.Globalization;

namespace LlmFallback;

/// <summary>
/// A request was refused because a rate limit is reached, before any provider was called. Says which limit and
/// when to retry; never the request's content or the id it was for.
/// </summary>
public sealed class RateLimitedException : LlmException
{
    /// <summary>Initializes a new instance of the <see cref="RateLimitedException"/> class.</summary>
    /// <param name="scope">Who the limit applies to.</param>
    /// <param name="kind">What it counts.</param>
    /// <param name="permitLimit">The limit per minute.</param>
    /// <param name="retryAfter">How long until the limit would accept the request.</param>
    public RateLimitedException(LlmRateLimitScope scope, LlmRateLimitKind kind, long permitLimit, TimeSpan retryAfter)
        : base(BuildMessage(scope, kind, permitLimit, retryAfter), null, null)
    {
        Scope = scope;
        Kind = kind;
        PermitLimit = permitLimit;
        RetryAfter = retryAfter < TimeSpan.Zero ? TimeSpan.Zero : retryAfter;
    }

    /// <summary>Gets who the limit applies to.</summary>
    public LlmRateLimitScope Scope { get; }

    /// <summary>Gets what the limit counts.</summary>
    public LlmRateLimitKind Kind { get; }

    /// <summary>Gets the limit per minute.</summary>
    public long PermitLimit { get; }

    /// <summary>Gets how long until the limit would accept the request, as a gateway's <c>Retry-After</c>.</summary>
    public TimeSpan RetryAfter { get; }

    internal static string ScopeName(LlmRateLimitScope scope) => scope switch
    {
        LlmRateLimitScope.User => "user",
        LlmRateLimitScope.Tenant => "tenant",
        LlmRateLimitScope.ApiKey => "api_key",
        _ => "provider",
    };

    internal static string KindName(LlmRateLimitKind kind) => kind == LlmRateLimitKind.Tokens ? "tokens" : "requests";

    private static string BuildMessage(LlmRateLimitScope scope, LlmRateLimitKind kind, long permitLimit, TimeSpan retryAfter) =>
        string.Create(
            CultureInfo.InvariantCulture,
            $"The {ScopeName(scope)} limit of {permitLimit} {KindName(kind)} per minute is reached; retry after {Math.Max(retryAfter.TotalSeconds, 0):0.###} s.");
}
