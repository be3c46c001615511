using System.Globalization;
using System.Numerics.Tensors;
using Microsoft.Extensions.AI;

namespace LlmFallback;

/// <summary>
/// Classifies a request by the similarity of its last user message to example requests of each route (the idea of
/// Microsoft.Extensions.AI's <c>SemanticRoutingChatClient</c>, applied to route names): the examples are embedded once,
/// lazily, and cached; each request embeds its last user message, takes the <c>topK</c> most similar examples (cosine),
/// averages their scores per route, and picks the best route if it reaches the threshold.
/// </summary>
public sealed class EmbeddingRouteClassifier : ILlmRouteClassifier
{
    private readonly IEmbeddingGenerator<string, Embedding<float>> _generator;
    private readonly (string Route, string Example)[] _examples;
    private readonly float _threshold;
    private readonly int _topK;
    private Task<float[][]>? _vectors;

    /// <summary>Initializes a new instance of the <see cref="EmbeddingRouteClassifier"/> class.</summary>
    /// <param name="generator">Embeds the examples and the requests.</param>
    /// <param name="examples">Example requests by route name.</param>
    /// <param name="threshold">The least average similarity that picks a route, between -1 and 1.</param>
    /// <param name="topK">How many of the most similar examples, across routes, are averaged per route.</param>
    /// <exception cref="ArgumentNullException"><paramref name="generator"/> or <paramref name="examples"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">No example is given, or one is blank.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="threshold"/> or <paramref name="topK"/> is out of range.</exception>
    public EmbeddingRouteClassifier(IEmbeddingGenerator<string, Embedding<float>> generator, IReadOnlyDictionary<string, IReadOnlyList<string>> examples, float threshold = 0.75f, int topK = 1)
    {
        ArgumentNullException.ThrowIfNull(generator);
        ArgumentNullException.ThrowIfNull(examples);
        ArgumentOutOfRangeException.ThrowIfLessThan(threshold, -1f);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(threshold, 1f);
        ArgumentOutOfRangeException.ThrowIfLessThan(topK, 1);
        _examples = [.. examples.SelectMany(static e => e.Value.Select(x => (e.Key, x)))];
        if (_examples.Length == 0 || _examples.Any(static e => string.IsNullOrWhiteSpace(e.Example)))
        {
            throw new ArgumentException("Give at least one example request, and no blank one.", nameof(examples));
        }

        _generator = generator;
        _threshold = threshold;
        _topK = topK;
    }

    /// <inheritdoc />
    public async ValueTask<LlmRouteClassification> ClassifyAsync(IReadOnlyList<ChatMessage> messages, ChatOptions? options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var text = LastUserText(messages);
        if (string.IsNullOrWhiteSpace(text))
        {
            return LlmRouteClassification.None;
        }

        var vectors = await ExamplesAsync(cancellationToken).ConfigureAwait(false);
        var query = (await _generator.GenerateAsync([text], cancellationToken: cancellationToken).ConfigureAwait(false))[0].Vector.ToArray();
        var scores = new float[vectors.Length];
        for (var i = 0; i < vectors.Length; i++)
        {
            scores[i] = TensorPrimitives.CosineSimilarity(query, vectors[i]);
        }

        var top = Enumerable.Range(0, scores.Length).OrderByDescending(i => scores[i]).Take(_topK);
        var best = top.GroupBy(i => _examples[i].Route, StringComparer.OrdinalIgnoreCase)
            .Select(g => (Route: g.Key, Score: g.Average(i => scores[i])))
            .OrderByDescending(static g => g.Score)
            .First();
        return best.Score >= _threshold
            ? new LlmRouteClassification(best.Route, best.Score.ToString("0.00", CultureInfo.InvariantCulture))
            : LlmRouteClassification.None;
    }

    internal static string? LastUserText(IReadOnlyList<ChatMessage> messages)
    {
        for (var i = messages.Count - 1; i >= 0; i--)
        {
            if (messages[i].Role == ChatRole.User)
            {
                return messages[i].Text;
            }
        }

        return null;
    }

    private Task<float[][]> ExamplesAsync(CancellationToken cancellationToken)
    {
        var existing = Volatile.Read(ref _vectors);
        if (existing is { IsFaulted: false, IsCanceled: false })
        {
            return existing.WaitAsync(cancellationToken);
        }

        // A failed attempt to embed the examples is tried again by the next request. The embedding is shared, so it
        // is not cancelled with the request that started it: each request stops waiting on its own token.
        var created = EmbedExamplesAsync();
        var shared = Interlocked.CompareExchange(ref _vectors, created, existing) == existing ? created : _vectors!;
        return shared.WaitAsync(cancellationToken);
    }

    private async Task<float[][]> EmbedExamplesAsync()
    {
        var embeddings = await _generator.GenerateAsync(_examples.Select(static e => e.Example), cancellationToken: CancellationToken.None).ConfigureAwait(false);
        return [.. embeddings.Select(static e => e.Vector.ToArray())];
    }
}
