using System.Globalization;

namespace LlmFallback;

/// <summary>
/// Moderation stopped a call: the input or the output belongs to a blocked category, or (when moderation fails closed)
/// the moderation service could not answer. Holds categories and counts, never the text.
/// </summary>
public sealed class ModerationException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="ModerationException"/> class for blocked categories.</summary>
    /// <param name="side">Whether the input or the output was blocked.</param>
    /// <param name="categories">The blocked categories.</param>
    /// <param name="charactersSent">For a stream, how many characters of the answer the caller had received before it was stopped.</param>
    public ModerationException(LlmContentSide side, IReadOnlyList<string> categories, int charactersSent = 0)
        : base(BuildMessage(side, categories, charactersSent))
    {
        Side = side;
        Categories = categories;
        CharactersSent = charactersSent;
    }

    private ModerationException(LlmContentSide side, string message, int charactersSent)
        : base(message)
    {
        Side = side;
        Categories = [];
        CharactersSent = charactersSent;
        IsServiceFailure = true;
    }

    /// <summary>Gets whether the input or the output was stopped.</summary>
    public LlmContentSide Side { get; }

    /// <summary>Gets the blocked categories; empty for a service failure.</summary>
    public IReadOnlyList<string> Categories { get; }

    /// <summary>
    /// Gets how many characters of a streamed answer the caller had received when the stream was stopped (0 for the
    /// input side and for non-streaming calls). With <see cref="ModerationOptions.HoldUntilChecked"/> on, all of them were
    /// checked; discard them or keep them as a partial answer.
    /// </summary>
    public int CharactersSent { get; }

    /// <summary>Gets a value indicating whether the call was stopped because the moderation service failed, not because of its content.</summary>
    public bool IsServiceFailure { get; }

    /// <summary>Makes the exception for a moderation service that failed while moderation fails closed.</summary>
    /// <param name="side">The side being moderated.</param>
    /// <param name="reason">A content-free reason, such as <c>timeout after 5s</c>.</param>
    /// <param name="charactersSent">For a stream, how many characters the caller had received.</param>
    /// <returns>The exception.</returns>
    public static ModerationException ServiceFailure(LlmContentSide side, string reason, int charactersSent = 0)
    {
        ArgumentNullException.ThrowIfNull(reason);
        var sent = side == LlmContentSide.Output && charactersSent > 0 ? $" {charactersSent.ToString(CultureInfo.InvariantCulture)} characters of the answer had been sent." : string.Empty;
        return new ModerationException(side, $"Moderation of the {Name(side)} could not run ({reason}) and moderation fails closed.{sent}", charactersSent);
    }

    private static string BuildMessage(LlmContentSide side, IReadOnlyList<string> categories, int charactersSent)
    {
        ArgumentNullException.ThrowIfNull(categories);
        var text = $"Moderation blocked the {Name(side)}: {string.Join(", ", categories)}.";
        return side == LlmContentSide.Output && charactersSent > 0
            ? text + $" The stream was stopped after {charactersSent.ToString(CultureInfo.InvariantCulture)} characters of the answer had been sent."
            : text;
    }

    private static string Name(LlmContentSide side) => side == LlmContentSide.Input ? "input" : "output";
}

/// <summary>
/// A moderation service could not answer (HTTP error, malformed answer). The message holds the status and a code,
/// never the service's error text (it may quote the moderated content).
/// </summary>
public sealed class ModerationServiceException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="ModerationServiceException"/> class.</summary>
    /// <param name="message">A content-free message.</param>
    /// <param name="statusCode">The HTTP status, if there was one.</param>
    public ModerationServiceException(string message, int? statusCode = null)
        : base(message)
    {
        StatusCode = statusCode;
    }

    /// <summary>Gets the HTTP status the service answered with, if any.</summary>
    public int? StatusCode { get; }
}
