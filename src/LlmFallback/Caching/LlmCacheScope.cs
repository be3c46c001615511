namespace LlmFallback;

/// <summary>Who may share a cache entry. Set with <see cref="LlmCachingOptions.Scope"/>.</summary>
public enum LlmCacheScope
{
    /// <summary>Only requests of the same tenant and the same user (<c>WithTenant</c>, <c>WithUser</c>) share entries.</summary>
    User = 0,

    /// <summary>Requests of the same tenant share entries, whatever their user.</summary>
    Tenant = 1,

    /// <summary>Every request shares entries. Use only when answers never depend on who asks.</summary>
    Shared = 2,
}

/// <summary>How a cached answer was found.</summary>
public enum LlmCacheKind
{
    /// <summary>The request matched a stored request exactly (after normalisation).</summary>
    Exact = 0,

    /// <summary>The request's final message was close in meaning to a stored one and passed every guard.</summary>
    Semantic = 1,
}
