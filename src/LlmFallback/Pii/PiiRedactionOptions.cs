namespace LlmFallback;

/// <summary>How <see cref="PiiRedactionChatClient"/> handles personal data. Bound from <c>Llm:Pii</c>.</summary>
public sealed class PiiRedactionOptions
{
    /// <summary>Gets or sets the action for entity types not listed in <see cref="Actions"/>.</summary>
    /// <value>The default is <see cref="PiiAction.Redact"/>.</value>
    public PiiAction DefaultAction { get; set; } = PiiAction.Redact;

    /// <summary>Gets or sets the action per entity type (case-insensitive keys from <see cref="PiiEntityTypes"/> or your patterns), such as <c>"CreditCard": "Reject"</c>.</summary>
    /// <value>The default is empty: every type gets <see cref="DefaultAction"/>.</value>
    public IDictionary<string, PiiAction> Actions { get; set; } = new Dictionary<string, PiiAction>(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Gets or sets a value indicating whether answers are checked too, with the same actions (values the request itself
    /// held are not counted again). Pseudonyms in answers are restored whether or not this is on.
    /// </summary>
    /// <value>The default is <see langword="false"/>.</value>
    public bool ApplyToOutput { get; set; }

    /// <summary>Gets or sets the character <see cref="PiiAction.Mask"/> writes.</summary>
    /// <value>The default is <c>*</c>.</value>
    public char MaskCharacter { get; set; } = '*';

    /// <summary>Gets or sets how many trailing letters and digits <see cref="PiiAction.Mask"/> keeps (never more than half of them).</summary>
    /// <value>The default is 4.</value>
    public int MaskKeepLast { get; set; } = 4;

    /// <summary>
    /// Gets or sets how long the pseudonyms of a server-side conversation (<c>ChatOptions.ConversationId</c>, whose
    /// history is not sent again) are kept after its last call, so placeholders from earlier turns are still restored.
    /// They are held in process memory only. <see cref="TimeSpan.Zero"/> keeps none.
    /// </summary>
    /// <value>The default is 1 hour.</value>
    public TimeSpan ConversationLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Gets or sets the most server-side conversations whose pseudonyms are kept; the least recently used go first.</summary>
    /// <value>The default is 10,000.</value>
    public int MaxConversations { get; set; } = 10_000;

    /// <summary>Gets or sets what the detector looks for (<c>Llm:Pii:Detection</c>).</summary>
    public PiiDetectorOptions Detection { get; set; } = new();

    internal PiiAction ActionFor(string entityType) =>
        Actions.Count > 0 && Actions.TryGetValue(entityType, out var action) ? action : DefaultAction;

    internal static void Validate(PiiRedactionOptions options, string prefix, List<string> errors)
    {
        LlmOptionsValidation.Defined(options.DefaultAction, $"{prefix}:DefaultAction", errors);
        LlmOptionsValidation.Range(options.MaskKeepLast, 0, 64, $"{prefix}:MaskKeepLast", errors);
        LlmOptionsValidation.Duration(options.ConversationLifetime, TimeSpan.Zero, TimeSpan.FromDays(7), $"{prefix}:ConversationLifetime", errors);
        LlmOptionsValidation.Range(options.MaxConversations, 1, 10_000_000, $"{prefix}:MaxConversations", errors);
        if (char.IsLetterOrDigit(options.MaskCharacter) || char.IsControl(options.MaskCharacter))
        {
            errors.Add($"{prefix}:MaskCharacter must not be a letter, a digit or a control character.");
        }

        if (options.Actions is null)
        {
            errors.Add($"{prefix}:Actions must not be null.");
        }
        else
        {
            foreach (var pair in options.Actions)
            {
                LlmOptionsValidation.Defined(pair.Value, $"{prefix}:Actions:{pair.Key}", errors);
            }
        }

        if (options.Detection is null)
        {
            errors.Add($"{prefix}:Detection must not be null.");
        }
        else
        {
            PiiDetectorOptions.Validate(options.Detection, $"{prefix}:Detection", errors);
        }
    }
}
