namespace LlmFallback.LocalEmbeddings.Tests;

/// <summary>One generator for the whole run: loading the model takes a second, encoding is thread-safe.</summary>
internal static class SharedGenerator
{
    public static MiniLmEmbeddingGenerator Instance { get; } = new();
}
