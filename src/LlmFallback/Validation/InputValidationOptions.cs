namespace LlmFallback;

/// <summary>Limits <see cref="InputValidationChatClient"/> enforces on every request. Bound from <c>Llm:InputValidation</c>.</summary>
public sealed class InputValidationOptions
{
    /// <summary>The roles allowed when <see cref="AllowedRoles"/> is empty.</summary>
    public static readonly IReadOnlyList<string> StandardRoles = ["system", "user", "assistant", "tool"];

    /// <summary>Gets or sets the most messages a request may hold.</summary>
    /// <value>The default is 500.</value>
    public int MaxMessages { get; set; } = 500;

    /// <summary>Gets or sets the most characters of text one message may hold (text, reasoning and tool results).</summary>
    /// <value>The default is 200,000 (about 50,000 English tokens).</value>
    public int MaxMessageCharacters { get; set; } = 200_000;

    /// <summary>Gets or sets the most characters of text all messages together may hold.</summary>
    /// <value>The default is 1,000,000.</value>
    public int MaxTotalCharacters { get; set; } = 1_000_000;

    /// <summary>Gets or sets the most tokens of text one message may hold, counted with <see cref="LlmTokenCounter"/>.</summary>
    /// <value>The default is <see langword="null"/>: not checked (counting tokens costs far more than counting characters).</value>
    public int? MaxMessageTokens { get; set; }

    /// <summary>Gets or sets the most prompt tokens a request may hold (messages and tool definitions), counted with <see cref="LlmTokenCounter"/>.</summary>
    /// <value>The default is <see langword="null"/>: not checked.</value>
    public int? MaxTotalTokens { get; set; }

    /// <summary>Gets or sets the model whose tokenizer counts tokens.</summary>
    /// <value>The default is <see langword="null"/>: the request's <c>ChatOptions.ModelId</c>, and the documented approximation when that is not an OpenAI model.</value>
    public string? TokenizerModel { get; set; }

    /// <summary>Gets or sets the roles a message may have (case-insensitive).</summary>
    /// <value>The default is empty, which allows <see cref="StandardRoles"/>: system, user, assistant and tool.</value>
    public IList<string> AllowedRoles { get; set; } = [];

    /// <summary>Gets or sets a value indicating whether a message with no content, or only blank text, is rejected.</summary>
    /// <value>The default is <see langword="true"/>.</value>
    public bool RejectEmptyMessages { get; set; } = true;

    /// <summary>
    /// Gets or sets a value indicating whether text holding control characters (other than tab, line feed and carriage
    /// return) or unpaired UTF-16 surrogates is rejected.
    /// </summary>
    /// <value>The default is <see langword="true"/>.</value>
    public bool RejectControlCharacters { get; set; } = true;

    /// <summary>Gets or sets the most bytes one attachment (image, audio, document) may hold.</summary>
    /// <value>The default is 20 MiB (20,971,520 bytes).</value>
    public int MaxAttachmentBytes { get; set; } = 20 * 1024 * 1024;

    /// <summary>Gets or sets the most bytes all attachments of a request together may hold.</summary>
    /// <value>The default is 50 MiB (52,428,800 bytes).</value>
    public int MaxTotalAttachmentBytes { get; set; } = 50 * 1024 * 1024;

    internal static void Validate(InputValidationOptions options, string prefix, List<string> errors)
    {
        LlmOptionsValidation.Range(options.MaxMessages, 1, 1_000_000, $"{prefix}:MaxMessages", errors);
        LlmOptionsValidation.Range(options.MaxMessageCharacters, 1, int.MaxValue, $"{prefix}:MaxMessageCharacters", errors);
        LlmOptionsValidation.Range(options.MaxTotalCharacters, 1, int.MaxValue, $"{prefix}:MaxTotalCharacters", errors);
        if (options.MaxMessageTokens is { } messageTokens)
        {
            LlmOptionsValidation.Range(messageTokens, 1, int.MaxValue, $"{prefix}:MaxMessageTokens", errors);
        }

        if (options.MaxTotalTokens is { } totalTokens)
        {
            LlmOptionsValidation.Range(totalTokens, 1, int.MaxValue, $"{prefix}:MaxTotalTokens", errors);
        }

        LlmOptionsValidation.Range(options.MaxAttachmentBytes, 0, int.MaxValue, $"{prefix}:MaxAttachmentBytes", errors);
        LlmOptionsValidation.Range(options.MaxTotalAttachmentBytes, 0, int.MaxValue, $"{prefix}:MaxTotalAttachmentBytes", errors);
        if (options.AllowedRoles is null)
        {
            errors.Add($"{prefix}:AllowedRoles must not be null.");
            return;
        }

        for (var i = 0; i < options.AllowedRoles.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(options.AllowedRoles[i]))
            {
                errors.Add($"{prefix}:AllowedRoles:{i.ToString(System.Globalization.CultureInfo.InvariantCulture)} must name a role.");
            }
        }
    }
}
