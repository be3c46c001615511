namespace LlmFallback;

/// <summary>
/// Selective context for retrieval-augmented generation: fits retrieved chunks into a token budget, best first,
/// instead of sending every chunk. Reports the tokens left out on <c>llmfallback.tokens.saved</c>.
/// </summary>
public static class LlmContextSelector
{
    /// <summary>
    /// Takes chunks in order of score (highest first; ties keep their given order) while they fit in
    /// <paramref name="maxTokens"/>; a chunk that does not fit is skipped and smaller ones after it may still be taken.
    /// Chunks with the same text are taken once.
    /// </summary>
    /// <param name="chunks">The retrieved chunks, in any order.</param>
    /// <param name="maxTokens">The tokens the context may use.</param>
    /// <param name="counter">The tokenizer of the target model; <see langword="null"/> for the approximate counter.</param>
    /// <returns>The selected chunks, best first, with the tokens used and left out.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="chunks"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxTokens"/> is negative.</exception>
    public static LlmContextSelection Select(IEnumerable<LlmContextChunk> chunks, int maxTokens, LlmTokenCounter? counter = null)
    {
        ArgumentNullException.ThrowIfNull(chunks);
        ArgumentOutOfRangeException.ThrowIfNegative(maxTokens);
        counter ??= LlmTokenCounter.ForModel(null);
        var ranked = new List<(LlmContextChunk Chunk, int Order)>();
        foreach (var chunk in chunks)
        {
            if (chunk?.Text is not null)
            {
                ranked.Add((chunk, ranked.Count));
            }
        }

        ranked.Sort(static (a, b) => b.Chunk.Score.CompareTo(a.Chunk.Score) is var byScore and not 0 ? byScore : a.Order.CompareTo(b.Order));
        var selected = new List<LlmContextChunk>();
        var texts = new HashSet<string>(StringComparer.Ordinal);
        long used = 0, saved = 0;
        foreach (var (chunk, _) in ranked)
        {
            var tokens = counter.CountTokens(chunk.Text);
            if (!texts.Add(chunk.Text) || used + tokens > maxTokens)
            {
                saved += tokens;
                continue;
            }

            used += tokens;
            selected.Add(chunk);
        }

        CostOptimizationDiagnostics.RecordSaved(saved, "context_selection");
        return new LlmContextSelection(selected, used, saved);
    }
}
