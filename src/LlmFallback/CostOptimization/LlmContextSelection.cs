using Microsoft.Extensions.AI;

namespace LlmFallback;

/// <summary>The result of <see cref="LlmContextSelector.Select"/>: the chunks that fit, best first, and the tokens left out.</summary>
public sealed class LlmContextSelection
{
    internal const string TokensSavedKey = "llmfallback.context_tokens_saved";

    internal LlmContextSelection(IReadOnlyList<LlmContextChunk> chunks, long tokensUsed, long tokensSaved)
    {
        Chunks = chunks;
        TokensUsed = tokensUsed;
        TokensSaved = tokensSaved;
    }

    /// <summary>Gets the chunks that fit in the budget, best first.</summary>
    public IReadOnlyList<LlmContextChunk> Chunks { get; }

    /// <summary>Gets the tokens of the selected chunks.</summary>
    public long TokensUsed { get; }

    /// <summary>Gets the tokens of the chunks left out.</summary>
    public long TokensSaved { get; }

    /// <summary>
    /// Notes <see cref="TokensSaved"/> on a request, so the cost-optimisation stage adds it to
    /// <see cref="LlmCallInfo.TokensSaved"/> of the response.
    /// </summary>
    /// <param name="options">The request's options, changed in place.</param>
    /// <returns><paramref name="options"/>, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    public ChatOptions RecordIn(ChatOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        (options.AdditionalProperties ??= [])[TokensSavedKey] = TokensSaved;
        return options;
    }

    internal static long Recorded(ChatOptions? options) =>
        options?.AdditionalProperties is { } properties && properties.TryGetValue(TokensSavedKey, out var value) && value is long saved ? saved : 0;
}
