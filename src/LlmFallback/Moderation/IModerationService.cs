namespace LlmFallback;

/// <summary>
/// Classifies text as safe or as belonging to moderation categories. Implementations: the local rule-based
/// <see cref="LocalModerationService"/>, and OpenAI's moderation endpoint in <c>LlmFallback.OpenAI</c>.
/// </summary>
/// <remarks>
/// Implementations must honour <c>cancellationToken</c> (the moderation stage cancels it on its timeout) and must not
/// put the text, or provider error text that may quote it, into exception messages: throw
/// <see cref="ModerationServiceException"/> for a service that could not answer.
/// </remarks>
public interface IModerationService
{
    /// <summary>Classifies a text.</summary>
    /// <param name="text">The text: the request's messages, or a window of the streamed answer.</param>
    /// <param name="side">Whether the text is input or output.</param>
    /// <param name="cancellationToken">Cancelled when the caller gives up or the moderation timeout passes.</param>
    /// <returns>The categories the text was found to belong to; <see cref="ModerationResult.Clean"/> for none.</returns>
    ValueTask<ModerationResult> ModerateAsync(string text, LlmContentSide side, CancellationToken cancellationToken = default);
}
