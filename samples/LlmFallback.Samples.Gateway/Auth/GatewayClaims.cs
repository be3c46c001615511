namespace LlmFallback.Samples.Gateway.Auth;

/// <summary>The claims the gateway puts on a caller, whichever way it signed in (API key or JWT).</summary>
internal static class GatewayClaims
{
    public const string KeyId = "llmfallback:key_id";
    public const string User = "llmfallback:user";
    public const string Tenant = "llmfallback:tenant";
    public const string Client = "llmfallback:client";
    public const string Model = "llmfallback:model";
    public const string AuthenticationType = "llmfallback";
}
