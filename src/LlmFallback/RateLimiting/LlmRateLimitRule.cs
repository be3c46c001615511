namespace LlmFallback;

/// <summary>One limit a request is counted against, and how many permits it takes.</summary>
/// <param name="Key">The bucket's key, unique per scope, id and kind (for example <c>user:u42:rpm</c>).</param>
/// <param name="PermitLimit">The permits per <paramref name="Window"/>.</param>
/// <param name="Window">The period the limit is over.</param>
/// <param name="Permits">The permits the request takes (or, when settling, adds; negative to give back).</param>
/// <param name="Scope">Who the limit applies to.</param>
/// <param name="Kind">What the limit counts.</param>
public readonly record struct LlmRateLimitRule(string Key, long PermitLimit, TimeSpan Window, long Permits, LlmRateLimitScope Scope, LlmRateLimitKind Kind);
