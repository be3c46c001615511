namespace LlmFallback;

/// <summary>A retrieved passage offered as context (for example from a vector search), with its relevance.</summary>
/// <param name="Text">The passage.</param>
/// <param name="Score">Its relevance; higher is better.</param>
/// <param name="Id">An optional id (document and chunk), carried through unchanged.</param>
public sealed record LlmContextChunk(string Text, double Score, string? Id = null);
