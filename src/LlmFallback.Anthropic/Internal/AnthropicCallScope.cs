namespace LlmFallback.Anthropic;

/// <summary>
/// What the HTTP layer saw during one call through the SDK. The SDK's exceptions do not keep response headers, so
/// <see cref="AnthropicWireHandler"/> records <c>retry-after</c> here and the adapter's client copies it onto the
/// exception the SDK throws. It also marks the request as sent: what the SDK throws before that comes from writing the
/// request out of the caller's messages and options, which cannot be the provider's failure.
/// </summary>
internal sealed class AnthropicCallScope
{
    private static readonly AsyncLocal<AnthropicCallScope?> CurrentScope = new();

    /// <summary>Gets the scope of the call in progress on this flow, if any.</summary>
    public static AnthropicCallScope? Current => CurrentScope.Value;

    /// <summary>Gets or sets the delay the last failed response asked for.</summary>
    public TimeSpan? RetryAfter { get; set; }

    /// <summary>Gets or sets a value indicating whether the SDK handed the request to the HTTP layer.</summary>
    public bool Sent { get; set; }

    /// <summary>Gets a value indicating whether the call asked for a stream, whose successful answer must be an event stream.</summary>
    public bool Streaming { get; private init; }

    /// <summary>Starts a scope for the calling flow; it ends when the calling async method returns.</summary>
    public static AnthropicCallScope Begin(bool streaming)
    {
        var scope = new AnthropicCallScope { Streaming = streaming };
        CurrentScope.Value = scope;
        return scope;
    }

    /// <summary>Records the requested delay on an SDK exception, for <see cref="AnthropicFailureClassifier"/>.</summary>
    public void Annotate(Exception exception)
    {
        if (RetryAfter is { } delay && exception is global::Anthropic.Exceptions.AnthropicApiException)
        {
            exception.Data[AnthropicFailureClassifier.RetryAfterDataKey] = delay;
        }
    }
}
