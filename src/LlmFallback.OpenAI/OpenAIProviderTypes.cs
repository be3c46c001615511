namespace LlmFallback.OpenAI;

/// <summary>The adapter type names this package registers, for <c>Llm:Providers:&lt;name&gt;:Type</c>.</summary>
public static class OpenAIProviderTypes
{
    /// <summary>OpenAI's own API (<c>https://api.openai.com/v1</c>), authenticated with a bearer key.</summary>
    public const string OpenAI = "OpenAI";

    /// <summary>Azure OpenAI through its v1 endpoint (<c>https://&lt;resource&gt;.openai.azure.com/openai/v1/</c>), authenticated with the <c>api-key</c> header.</summary>
    public const string AzureOpenAI = "AzureOpenAI";

    /// <summary>Any server speaking OpenAI Chat Completions, by base address, optionally with a preset (see <see cref="OpenAICompatiblePresets"/>).</summary>
    public const string OpenAICompatible = "OpenAICompatible";

    internal static string? Normalize(string? type) =>
        string.Equals(type, OpenAI, StringComparison.OrdinalIgnoreCase) ? OpenAI
        : string.Equals(type, AzureOpenAI, StringComparison.OrdinalIgnoreCase) ? AzureOpenAI
        : string.Equals(type, OpenAICompatible, StringComparison.OrdinalIgnoreCase) ? OpenAICompatible
        : null;
}
