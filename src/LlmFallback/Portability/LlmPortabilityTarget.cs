namespace LlmFallback;

/// <summary>
/// What a provider's API accepts in a conversation history: its family (whose opaque data it understands), the tool-call
/// ids it takes, whether reasoning needs a signature, the placeholder it wants on unsigned function calls, and where
/// tool-result media go. An adapter describes its API once and passes it to <see cref="LlmPortability.Prepare"/>.
/// </summary>
public sealed class LlmPortabilityTarget
{
    /// <summary>Initializes a new instance of the <see cref="LlmPortabilityTarget"/> class.</summary>
    /// <param name="family">The provider family, such as <see cref="LlmProviderFamily.OpenAI"/>.</param>
    /// <exception cref="ArgumentException"><paramref name="family"/> is <see langword="null"/> or blank.</exception>
    public LlmPortabilityTarget(string family)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(family);
        Family = family;
    }

    /// <summary>Gets the provider family whose opaque data the target understands.</summary>
    public string Family { get; }

    /// <summary>Gets the longest tool-call id the target accepts.</summary>
    /// <value>The default is <see langword="null"/> (no limit). OpenAI Chat Completions takes 40 characters.</value>
    public int? MaxToolCallIdLength { get; init; }

    /// <summary>
    /// Gets a value indicating whether tool-call ids may hold only ASCII letters, digits, <c>_</c> and <c>-</c>
    /// (Anthropic's <c>^[a-zA-Z0-9_-]+$</c>).
    /// </summary>
    /// <value>The default is <see langword="false"/>.</value>
    public bool ToolCallIdsLettersDigitsUnderscoreHyphen { get; init; }

    /// <summary>
    /// Gets a value indicating whether reasoning is accepted only with a signature the target issued (Anthropic
    /// <c>thinking</c> blocks): unsigned reasoning cannot be carried, whatever made it.
    /// </summary>
    /// <value>The default is <see langword="false"/>.</value>
    public bool ReasoningRequiresSignature { get; init; }

    /// <summary>
    /// Gets the <see cref="Microsoft.Extensions.AI.AIContent.AdditionalProperties"/> key under which the target expects a
    /// signature on the first function call of each model step (Gemini's <c>thoughtSignature</c>).
    /// </summary>
    /// <value>The default is <see langword="null"/>: the target needs no signature on function calls.</value>
    public string? FunctionCallSignatureKey { get; init; }

    /// <summary>
    /// Gets the documented placeholder sent as the signature of a function call that has none, such as one made by
    /// another provider (Gemini's <c>skip_thought_signature_validator</c>). Used with <see cref="FunctionCallSignatureKey"/>.
    /// </summary>
    /// <value>The default is <see langword="null"/>.</value>
    public string? FunctionCallSignaturePlaceholder { get; init; }

    /// <summary>
    /// Gets a value indicating whether tool results can hold only text (OpenAI Chat Completions' <c>tool</c> messages):
    /// images and files in a tool result are moved to a user message right after the tool results, and the result
    /// keeps its text and a note saying so.
    /// </summary>
    /// <value>The default is <see langword="false"/>: media stay in the tool result.</value>
    public bool ToolResultMediaInUserMessage { get; init; }

    /// <summary>Returns the family.</summary>
    /// <returns>The family.</returns>
    public override string ToString() => Family;
}
