using System.Globalization;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.DependencyInjection;

namespace LlmFallback.LocalEmbeddings.Tests;

/// <summary>Runs the evaluation set through a real caching stage with the local embedder and the default semantic settings.</summary>
internal static class SemanticEvaluation
{
    public sealed record Pair(bool ExpectHit, string Category, string Stored, string Asked);

    public sealed record Outcome(Pair Pair, bool Hit, double Cosine);

    public static IReadOnlyList<Pair> Load()
    {
        var pairs = new List<Pair>();
        foreach (var line in File.ReadLines(Path.Combine(AppContext.BaseDirectory, "Data", "semantic-eval.tsv")))
        {
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            var cells = line.Split('\t');
            pairs.Add(new Pair(cells[0] == "hit", cells[1], cells[2], cells[3]));
        }

        return pairs;
    }

    public static async Task<List<Outcome>> RunAsync(IReadOnlyList<Pair> pairs, Action<LlmCachingOptions>? configure = null)
    {
        var services = new ServiceCollection().AddLlmCaching().BuildServiceProvider();
        var cache = services.GetRequiredService<LlmResponseCache>();
        var options = new LlmCachingOptions { Semantic = { Enabled = true } };
        configure?.Invoke(options);
        using var inner = new AnswerClient();
        using var client = new LlmCachingChatClient(inner, cache, options, SharedGenerator.Instance);
        var outcomes = new List<Outcome>();
        for (var i = 0; i < pairs.Count; i++)
        {
            var pair = pairs[i];
            var ns = "pair" + i.ToString(CultureInfo.InvariantCulture);
            await client.GetResponseAsync(pair.Stored, new ChatOptions().WithCacheNamespace(ns), TestContext.Current.CancellationToken);
            var response = await client.GetResponseAsync(pair.Asked, new ChatOptions().WithCacheNamespace(ns), TestContext.Current.CancellationToken);
            var vectors = await SharedGenerator.Instance.GenerateAsync([pair.Stored, pair.Asked], cancellationToken: TestContext.Current.CancellationToken);
            var cosine = System.Numerics.Tensors.TensorPrimitives.CosineSimilarity(vectors[0].Vector.Span, vectors[1].Vector.Span);
            outcomes.Add(new Outcome(pair, response.GetLlmCallInfo()?.CacheHit == true, cosine));
        }

        return outcomes;
    }

    /// <summary>Answers every request with a distinct text, so a hit is visible.</summary>
    private sealed class AnswerClient : IChatClient
    {
        private int _calls;

        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "answer " + Interlocked.Increment(ref _calls).ToString(CultureInfo.InvariantCulture))) { FinishReason = ChatFinishReason.Stop });

        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}
