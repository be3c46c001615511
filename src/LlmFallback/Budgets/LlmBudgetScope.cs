namespace LlmFallback;

/// <summary>Who a budget limits.</summary>
public enum LlmBudgetScope
{
    /// <summary>Each user (<see cref="LlmChatOptionsExtensions.WithUser"/>).</summary>
    User = 1,

    /// <summary>Each tenant (<see cref="LlmChatOptionsExtensions.WithTenant"/>).</summary>
    Tenant = 2,

    /// <summary>Each API key id (<see cref="LlmChatOptionsExtensions.WithApiKeyId"/>).</summary>
    ApiKey = 3,

    /// <summary>Each route: the model id or alias a request asks for (<c>ChatOptions.ModelId</c>).</summary>
    Route = 4,
}
