namespace LlmFallback;

/// <summary>Who a rate limit applies to.</summary>
public enum LlmRateLimitScope
{
    /// <summary>Each user (<see cref="LlmChatOptionsExtensions.WithUser"/>).</summary>
    User = 1,

    /// <summary>Each tenant (<see cref="LlmChatOptionsExtensions.WithTenant"/>).</summary>
    Tenant = 2,

    /// <summary>Each API key id (<see cref="LlmChatOptionsExtensions.WithApiKeyId"/>).</summary>
    ApiKey = 3,

    /// <summary>A provider (a deployment's own requests and tokens per minute).</summary>
    Provider = 4,
}
