using Microsoft.Extensions.AI;

namespace LlmFallback.Gemini;

public sealed partial class GeminiChatClient
{
    /// <summary>
    /// The <see cref="AIContent.AdditionalProperties"/> key under which a part's <c>thoughtSignature</c> is kept, so that
    /// it is sent back with the part on the next turn (Gemini 3 rejects function calls returned without it).
    /// </summary>
    public const string ThoughtSignatureKey = "gemini.thoughtSignature";

    /// <summary>
    /// The placeholder Gemini documents for a function call that has no signature of its own (one another provider
    /// made, or one the application made up): sent as its <c>thoughtSignature</c> so Gemini 3 accepts the history.
    /// </summary>
    public const string ThoughtSignaturePlaceholder = "skip_thought_signature_validator";

    /// <summary>
    /// The <see cref="ChatOptions.AdditionalProperties"/> key of one request's safety settings: an
    /// <see cref="IDictionary{TKey, TValue}"/> of harm category to threshold (for example <c>HARM_CATEGORY_HARASSMENT</c> →
    /// <c>BLOCK_ONLY_HIGH</c>) that replaces <see cref="GeminiOptions.SafetySettings"/> for that request.
    /// </summary>
    public const string SafetySettingsKey = "gemini.safetySettings";

    /// <summary>What the Gemini API accepts in a history: its own signatures, any call id, a placeholder on unsigned calls.</summary>
    internal static readonly LlmPortabilityTarget Portability = new(LlmProviderFamily.Gemini)
    {
        FunctionCallSignatureKey = ThoughtSignatureKey,
        FunctionCallSignaturePlaceholder = ThoughtSignaturePlaceholder,
    };
}
