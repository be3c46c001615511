namespace LlmFallback.Tests.Caching.Semantic;

/// <summary>The semantic cache with a deterministic embedder: threshold, partitions, guards, failures.</summary>
public sealed class LlmCachingChatClientSemanticTests
{
    private const string Stored = "How do I reset my password?";
    private const string Paraphrase = "I forgot my password, how can I reset it?";

    private static CancellationToken Ct => CacheFixture.Ct;

    private static LlmCachingOptions Semantic(double threshold = 0.9) => new() { Semantic = { Enabled = true, SimilarityThreshold = threshold } };

    [Theory]
    [InlineData(0.95, true)]
    [InlineData(0.90, true)]
    [InlineData(0.89, false)]
    [InlineData(0.50, false)]
    public async Task GetResponseAsync_Paraphrase_HitsOnlyAtOrAboveThreshold(double similarity, bool expectHit)
    {
        using var f = new CacheFixture();
        var embedder = new FakeEmbeddingGenerator().Set(Stored, 1).Set(Paraphrase, similarity);
        using var client = f.Client(Semantic(0.9), embedder);

        await client.GetResponseAsync(Stored, cancellationToken: Ct);
        var response = await client.GetResponseAsync(Paraphrase, cancellationToken: Ct);

        var info = response.GetLlmCallInfo();
        Assert.Equal(expectHit, info?.CacheHit ?? false);
        Assert.Equal(expectHit ? 1 : 2, f.Upstream.Calls);
        if (expectHit)
        {
            Assert.Equal(LlmCacheKind.Semantic, info!.CacheKind);
            Assert.Equal(similarity, info.CacheSimilarity!.Value, 3);
            Assert.Equal("answer 1", response.Text);
        }
    }

    [Theory]
    [InlineData("What is the refund policy for orders over $50?", "What is the refund policy for orders under $50?")]
    [InlineData("Show me flights from New York to Florida.", "Show me flights from Florida to New York.")]
    [InlineData("Can I take ibuprofen with alcohol?", "Can I take ibuprofen without alcohol?")]
    [InlineData("What is the refund policy for orders over $50?", "What is the refund policy for orders over $100?")]
    [InlineData("How do I enable notifications?", "How do I disable notifications?")]
    [InlineData("Schedule a call with Alice on Monday.", "Schedule a call with Alice on Friday.")]
    public async Task GetResponseAsync_NearMissAtSimilarityOne_GuardsRefuseTheHit(string stored, string asked)
    {
        using var f = new CacheFixture();
        var embedder = new FakeEmbeddingGenerator().Set(stored, 1).Set(asked, 1);
        using var client = f.Client(Semantic(), embedder);

        await client.GetResponseAsync(stored, cancellationToken: Ct);
        var response = await client.GetResponseAsync(asked, cancellationToken: Ct);

        Assert.False(response.GetLlmCallInfo()?.CacheHit ?? false);
        Assert.Equal(2, f.Upstream.Calls);
    }

    [Fact]
    public async Task GetResponseAsync_GuardsOff_NearMissHits()
    {
        using var f = new CacheFixture();
        var embedder = new FakeEmbeddingGenerator().Set("orders over $50?", 1).Set("orders under $50?", 1);
        var options = Semantic();
        options.Semantic.Guards = LlmSemanticGuards.None;
        using var client = f.Client(options, embedder);

        await client.GetResponseAsync("orders over $50?", cancellationToken: Ct);
        var response = await client.GetResponseAsync("orders under $50?", cancellationToken: Ct);

        Assert.True(response.GetLlmCallInfo()!.CacheHit);
    }

    public static TheoryData<string> PartitionChanges => ["user", "route", "system", "temperature", "namespace"];

    [Theory]
    [MemberData(nameof(PartitionChanges))]
    public async Task GetResponseAsync_ParaphraseInAnotherPartition_NeverHits(string change)
    {
        using var f = new CacheFixture();
        var embedder = new FakeEmbeddingGenerator().Set(Stored, 1).Set(Paraphrase, 0.99);
        using var client = f.Client(Semantic(), embedder);
        await client.GetResponseAsync([new(ChatRole.System, "Be brief."), new(ChatRole.User, Stored)], new ChatOptions { ModelId = "fast", Temperature = 0 }.WithUser("alice"), Ct);

        var options = new ChatOptions { ModelId = "fast", Temperature = 0 }.WithUser("alice");
        var system = "Be brief.";
        switch (change)
        {
            case "user": options.WithUser("bob"); break;
            case "route": options.ModelId = "smart"; break;
            case "system": system = "Be verbose."; break;
            case "temperature": options.Temperature = 1; break;
            default: options.WithCacheNamespace("other"); break;
        }

        var response = await client.GetResponseAsync([new(ChatRole.System, system), new(ChatRole.User, Paraphrase)], options, Ct);

        Assert.False(response.GetLlmCallInfo()?.CacheHit ?? false);
    }

    [Fact]
    public async Task GetResponseAsync_MultiTurn_UsesExactCacheOnlyByDefault()
    {
        using var f = new CacheFixture();
        var embedder = new FakeEmbeddingGenerator().Set(Stored, 1).Set(Paraphrase, 0.99);
        using var client = f.Client(Semantic(), embedder);
        List<ChatMessage> history = [new(ChatRole.User, "hi"), new(ChatRole.Assistant, "hello")];

        await client.GetResponseAsync([.. history, new(ChatRole.User, Stored)], cancellationToken: Ct);
        var paraphrase = await client.GetResponseAsync([.. history, new(ChatRole.User, Paraphrase)], cancellationToken: Ct);
        var exact = await client.GetResponseAsync([.. history, new(ChatRole.User, Stored)], cancellationToken: Ct);

        Assert.False(paraphrase.GetLlmCallInfo()?.CacheHit ?? false);
        Assert.Equal(LlmCacheKind.Exact, exact.GetLlmCallInfo()!.CacheKind);
        Assert.Equal(0, embedder.Calls);
    }

    [Fact]
    public async Task GetResponseAsync_MultiTurnAllowed_HitsOnlyWithTheSameHistory()
    {
        using var f = new CacheFixture();
        var embedder = new FakeEmbeddingGenerator().Set(Stored, 1).Set(Paraphrase, 0.99);
        var options = Semantic();
        options.Semantic.AllowMultiTurn = true;
        using var client = f.Client(options, embedder);

        await client.GetResponseAsync([new(ChatRole.User, "hi"), new(ChatRole.Assistant, "hello"), new(ChatRole.User, Stored)], cancellationToken: Ct);
        var same = await client.GetResponseAsync([new(ChatRole.User, "hi"), new(ChatRole.Assistant, "hello"), new(ChatRole.User, Paraphrase)], cancellationToken: Ct);
        var other = await client.GetResponseAsync([new(ChatRole.User, "hey"), new(ChatRole.Assistant, "hello"), new(ChatRole.User, Paraphrase)], cancellationToken: Ct);

        Assert.Equal(LlmCacheKind.Semantic, same.GetLlmCallInfo()!.CacheKind);
        Assert.False(other.GetLlmCallInfo()?.CacheHit ?? false);
    }

    [Fact]
    public async Task GetResponseAsync_AnswerInvalidated_SemanticHitGoneToo()
    {
        using var f = new CacheFixture();
        var embedder = new FakeEmbeddingGenerator().Set(Stored, 1).Set(Paraphrase, 0.99);
        var index = new InMemorySemanticCacheIndex(timeProvider: f.Time);
        using var client = f.Client(Semantic(), embedder, index);
        await client.GetResponseAsync(Stored, new ChatOptions().WithCacheTags("kb"), Ct);

        await f.Cache.InvalidateTagAsync("kb", Ct);
        var response = await client.GetResponseAsync(Paraphrase, cancellationToken: Ct);

        Assert.False(response.GetLlmCallInfo()?.CacheHit ?? false);
        Assert.Equal(1, index.Count);
    }

    [Fact]
    public async Task DoNotCacheAsync_OnASemanticHit_RemovesTheEntryItWasServedFrom()
    {
        // Moderation flags an answer served by meaning: the entry that served it must go, not the (absent) entry of
        // the paraphrase's own key, or the flagged answer keeps being served.
        using var f = new CacheFixture();
        var embedder = new FakeEmbeddingGenerator().Set(Stored, 1).Set(Paraphrase, 0.99);
        var index = new InMemorySemanticCacheIndex(timeProvider: f.Time);
        using var client = f.Client(Semantic(), embedder, index);
        await client.GetResponseAsync(Stored, cancellationToken: Ct);
        var hit = await client.GetResponseAsync(Paraphrase, cancellationToken: Ct);
        Assert.Equal(LlmCacheKind.Semantic, hit.GetLlmCallInfo()!.CacheKind);

        await hit.DoNotCacheAsync(Ct);
        var exact = await client.GetResponseAsync(Stored, cancellationToken: Ct);

        Assert.False(exact.GetLlmCallInfo()?.CacheHit ?? false);
        Assert.Equal(2, f.Upstream.Calls);
    }

    [Fact]
    public async Task DoNotCacheAsync_OnAStreamedSemanticHit_RemovesTheEntryItWasServedFrom()
    {
        using var f = new CacheFixture();
        var embedder = new FakeEmbeddingGenerator().Set(Stored, 1).Set(Paraphrase, 0.99);
        using var client = f.Client(Semantic(), embedder);
        await client.GetResponseAsync(Stored, cancellationToken: Ct);
        var updates = await client.GetStreamingResponseAsync(Paraphrase, cancellationToken: Ct).ToListAsync(Ct);

        await updates[^1].DoNotCacheAsync(Ct);
        var again = await client.GetResponseAsync(Paraphrase, cancellationToken: Ct);

        Assert.False(again.GetLlmCallInfo()?.CacheHit ?? false);
        Assert.Equal(2, f.Upstream.Calls);
    }

    [Fact]
    public async Task GetResponseAsync_LengthRatioOn_RefusesMuchLongerPrompt()
    {
        using var f = new CacheFixture();
        const string longer = "How do I reset my password? I have tried everything, the email never arrives and support never answers me.";
        var embedder = new FakeEmbeddingGenerator().Set(Stored, 1).Set(longer, 0.99);
        var options = Semantic();
        options.Semantic.MaxLengthRatio = 2;
        options.Semantic.Guards = LlmSemanticGuards.None;
        using var client = f.Client(options, embedder);

        await client.GetResponseAsync(Stored, cancellationToken: Ct);
        var response = await client.GetResponseAsync(longer, cancellationToken: Ct);

        Assert.False(response.GetLlmCallInfo()?.CacheHit ?? false);
    }

    [Fact]
    public async Task GetResponseAsync_EmbedderFails_RequestSucceedsAndWarningIsLogged()
    {
        using var f = new CacheFixture();
        var embedder = new FakeEmbeddingGenerator { Failure = new InvalidOperationException("model missing") };
        using var client = f.Client(Semantic(), embedder);

        var first = await client.GetResponseAsync(Stored, cancellationToken: Ct);
        var exact = await client.GetResponseAsync(Stored, cancellationToken: Ct);

        Assert.Equal("answer 1", first.Text);
        Assert.Equal(LlmCacheKind.Exact, exact.GetLlmCallInfo()!.CacheKind);
        Assert.Contains(f.Logs.GetSnapshot(), r => r.Id.Name == "EmbeddingFailed" && r.Level == Microsoft.Extensions.Logging.LogLevel.Warning);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_SemanticHit_ReplaysTheStoredAnswer()
    {
        using var f = new CacheFixture();
        var embedder = new FakeEmbeddingGenerator().Set(Stored, 1).Set(Paraphrase, 0.97);
        using var client = f.Client(Semantic(), embedder);

        await client.GetStreamingResponseAsync(Stored, cancellationToken: Ct).ToListAsync(Ct);
        var updates = await client.GetStreamingResponseAsync(Paraphrase, cancellationToken: Ct).ToListAsync(Ct);

        Assert.Equal("answer 1", updates.ToChatResponse().Text);
        Assert.Equal(LlmCacheKind.Semantic, updates[^1].GetLlmCallInfo()!.CacheKind);
    }
}
