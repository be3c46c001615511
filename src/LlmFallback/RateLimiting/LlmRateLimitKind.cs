namespace LlmFallback;

/// <summary>What a rate limit counts.</summary>
public enum LlmRateLimitKind
{
    /// <summary>Requests per minute.</summary>
    Requests = 1,

    /// <summary>Tokens (prompt and output) per minute.</summary>
    Tokens = 2,
}
