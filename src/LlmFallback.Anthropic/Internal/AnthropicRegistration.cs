namespace LlmFallback.Anthropic;

/// <summary>The provider names that already have an Anthropic HttpClient and validation.</summary>
internal sealed class AnthropicRegistration
{
    public HashSet<string> Names { get; } = new(StringComparer.OrdinalIgnoreCase);
}
