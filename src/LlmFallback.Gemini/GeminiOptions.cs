namespace LlmFallback.Gemini;

/// <summary>
/// Gemini-specific settings of a provider, bound from the same section as its <see cref="LlmProviderOptions"/>
/// (<c>Llm:Providers:&lt;name&gt;</c>).
/// </summary>
public sealed class GeminiOptions
{
    /// <summary>The API version path segment used when none is configured.</summary>
    public const string DefaultApiVersion = "v1beta";

    /// <summary>Gets or sets the API version path segment, such as <c>v1beta</c> or <c>v1</c>.</summary>
    /// <value>The default is <c>v1beta</c>, the version that has every current feature (system instructions, JSON schemas, thinking).</value>
    public string ApiVersion { get; set; } = DefaultApiVersion;

    /// <summary>
    /// Gets or sets a value indicating whether an answer stopped by a safety or policy filter (finish reasons
    /// <c>SAFETY</c>, <c>RECITATION</c>, <c>BLOCKLIST</c>, <c>PROHIBITED_CONTENT</c>, <c>SPII</c>, ...) throws an
    /// <see cref="LlmProviderException"/> of kind <see cref="LlmFailureKind.ContentPolicy"/>, so that the fallback
    /// stage sees the refusal and applies its content-policy rule.
    /// </summary>
    /// <value>
    /// The default is <see langword="true"/>. When <see langword="false"/>, such an answer is returned with
    /// <see cref="Microsoft.Extensions.AI.ChatFinishReason.ContentFilter"/> and whatever text came before the stop. A
    /// blocked prompt (<c>promptFeedback.blockReason</c>) always throws: there is no answer to return.
    /// </value>
    public bool ThrowOnContentFilter { get; set; } = true;
}
