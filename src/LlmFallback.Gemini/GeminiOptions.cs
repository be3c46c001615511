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

    /// <summary>
    /// Gets or sets the safety settings sent with every request: harm category (<c>HARM_CATEGORY_HARASSMENT</c>,
    /// <c>HARM_CATEGORY_HATE_SPEECH</c>, <c>HARM_CATEGORY_SEXUALLY_EXPLICIT</c>, <c>HARM_CATEGORY_DANGEROUS_CONTENT</c>,
    /// <c>HARM_CATEGORY_CIVIC_INTEGRITY</c>) to block threshold (<c>BLOCK_NONE</c>, <c>BLOCK_ONLY_HIGH</c>,
    /// <c>BLOCK_MEDIUM_AND_ABOVE</c>, <c>BLOCK_LOW_AND_ABOVE</c>, <c>OFF</c>, <c>HARM_BLOCK_THRESHOLD_UNSPECIFIED</c>).
    /// A request replaces them with <see cref="GeminiChatClient.SafetySettingsKey"/> in its
    /// <see cref="Microsoft.Extensions.AI.ChatOptions.AdditionalProperties"/>.
    /// </summary>
    /// <value>The default is empty: no <c>safetySettings</c>, so the model's defaults apply.</value>
    public IDictionary<string, string> SafetySettings { get; set; } = new Dictionary<string, string>(StringComparer.Ordinal);
}
