namespace LlmFallback.Testing.Tests;

/// <summary>Helpers shared by the tests: collecting streams and the test's cancellation token.</summary>
internal static class TestStreams
{
    public static CancellationToken Token => TestContext.Current.CancellationToken;

    public static IEnumerable<ChatMessage> Hi { get; } = [new ChatMessage(ChatRole.User, "hi")];

    public static async Task<List<ChatResponseUpdate>> CollectAsync(IAsyncEnumerable<ChatResponseUpdate> stream)
    {
        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in stream.WithCancellation(Token))
        {
            updates.Add(update);
        }

        return updates;
    }

    /// <summary>Collects updates into <paramref name="updates"/> as they arrive, so a test can look at a stream that has not ended.</summary>
    public static async Task DrainAsync(IAsyncEnumerable<ChatResponseUpdate> stream, List<ChatResponseUpdate> updates, CancellationToken cancellationToken)
    {
        await foreach (var update in stream.WithCancellation(cancellationToken))
        {
            lock (updates)
            {
                updates.Add(update);
            }
        }
    }

    public static string Texts(IEnumerable<ChatResponseUpdate> updates) => string.Join("|", updates.Where(u => u.Text.Length > 0).Select(u => u.Text));
}
