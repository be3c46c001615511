namespace LlmFallback;

/// <summary>What an <see cref="ICostLedger"/> total is kept by.</summary>
public enum LlmCostDimension
{
    /// <summary>Every call; the only key is <see cref="ICostLedger.AllKey"/>.</summary>
    All = 0,

    /// <summary>The user a request was made for (<see cref="LlmChatOptionsExtensions.WithUser"/>).</summary>
    User = 1,

    /// <summary>The tenant a request was made for.</summary>
    Tenant = 2,

    /// <summary>The caller's API key id.</summary>
    ApiKey = 3,

    /// <summary>The route (the model id or alias the caller asked for).</summary>
    Route = 4,

    /// <summary>The model that answered.</summary>
    Model = 5,

    /// <summary>The provider that answered.</summary>
    Provider = 6,
}
