namespace LlmFallback.OpenAI;

/// <summary>What <c>AddOpenAI</c> has registered in a service collection, so that repeated calls add nothing twice.</summary>
internal sealed class OpenAIRegistrationState
{
    /// <summary>Gets the provider names whose <see cref="OpenAIProviderOptions"/> are bound from configuration.</summary>
    public HashSet<string> Bound { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Gets the provider names whose named HttpClient is registered.</summary>
    public HashSet<string> HttpClients { get; } = new(StringComparer.OrdinalIgnoreCase);
}
