namespace LlmFallback;

/// <summary>
/// A request broke a limit of <see cref="InputValidationChatClient"/>. The message names the limit (its configuration
/// key) and the value found; never message content. A caller's mistake: it never reaches a provider or its health.
/// </summary>
public sealed class InputValidationException : ArgumentException
{
    /// <summary>Initializes a new instance of the <see cref="InputValidationException"/> class.</summary>
    /// <param name="message">The message.</param>
    /// <param name="limit">The name of the limit, such as <c>MaxMessageCharacters</c>.</param>
    /// <param name="actualValue">The value found, when the limit is a number.</param>
    /// <param name="limitValue">The limit's value, when it is a number.</param>
    /// <param name="messageIndex">The index of the offending message, when one message broke the limit.</param>
    public InputValidationException(string message, string limit, long? actualValue = null, long? limitValue = null, int? messageIndex = null)
        : base(message, "messages")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(limit);
        Limit = limit;
        ActualValue = actualValue;
        LimitValue = limitValue;
        MessageIndex = messageIndex;
    }

    /// <summary>Gets the name of the limit that was broken, as in <see cref="InputValidationOptions"/> (for example <c>MaxMessages</c>).</summary>
    public string Limit { get; }

    /// <summary>Gets the value found (a count, a length, a size, a character code), if the limit is a number.</summary>
    public long? ActualValue { get; }

    /// <summary>Gets the limit's value, if it is a number.</summary>
    public long? LimitValue { get; }

    /// <summary>Gets the index of the message that broke the limit, if one did.</summary>
    public int? MessageIndex { get; }
}
