using Microsoft.Extensions.DependencyInjection;

namespace LlmFallback.LocalEmbeddings.Tests;

public sealed class LocalEmbeddingsServiceCollectionExtensionsTests
{
    [Fact]
    public void AddLocalEmbeddings_ResolvesOneSingletonGenerator()
    {
        using var services = new ServiceCollection().AddLocalEmbeddings().BuildServiceProvider();

        var generator = services.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>();

        Assert.IsType<MiniLmEmbeddingGenerator>(generator);
        Assert.Same(generator, services.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>());
        Assert.Same(generator, services.GetRequiredService<MiniLmEmbeddingGenerator>());
    }

    [Fact]
    public void AddLocalEmbeddings_GeneratorAlreadyRegistered_KeepsIt()
    {
        using var mine = new MiniLmEmbeddingGenerator();
        var collection = new ServiceCollection();
        collection.AddSingleton<IEmbeddingGenerator<string, Embedding<float>>>(mine);
        using var services = collection.AddLocalEmbeddings().BuildServiceProvider();

        Assert.Same(mine, services.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>());
    }

    [Fact]
    public void AddLocalEmbeddings_BadArguments_Throw()
    {
        Assert.Throws<ArgumentNullException>("services", () => LocalEmbeddingsServiceCollectionExtensions.AddLocalEmbeddings(null!));
        Assert.Throws<ArgumentOutOfRangeException>("maxBatchSize", () => new ServiceCollection().AddLocalEmbeddings(0));
    }

    [Fact]
    public async Task UseCaching_WithLocalEmbeddings_ServesAParaphraseFromTheSemanticCache()
    {
        var collection = new ServiceCollection().AddLocalEmbeddings().AddLlmCaching(configure: o => o.Semantic.Enabled = true);
        var calls = 0;
        collection.AddChatClient(_ => new DelegatingAnswer(() => ++calls)).UseCaching();
        await using var services = collection.BuildServiceProvider();
        var client = services.GetRequiredService<IChatClient>();

        await client.GetResponseAsync("How do I reset my password?", cancellationToken: TestContext.Current.CancellationToken);
        var second = await client.GetResponseAsync("I forgot my password, how can I reset it?", cancellationToken: TestContext.Current.CancellationToken);
        var third = await client.GetResponseAsync("How do I reset my iPad?", cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(LlmCacheKind.Semantic, second.GetLlmCallInfo()?.CacheKind);
        Assert.InRange(second.GetLlmCallInfo()!.CacheSimilarity!.Value, 0.8, 1.0);
        Assert.False(third.GetLlmCallInfo()?.CacheHit ?? false);
        Assert.Equal(2, calls);
    }

    private sealed class DelegatingAnswer(Func<int> onCall) : IChatClient
    {
        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "answer " + onCall())) { FinishReason = ChatFinishReason.Stop });

        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}
