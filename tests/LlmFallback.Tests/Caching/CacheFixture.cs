using System.Runtime.CompilerServices;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;

namespace LlmFallback.Tests.Caching;

/// <summary>A response cache on a fake clock, an upstream that counts its calls, and a caching stage over both.</summary>
internal sealed class CacheFixture : IDisposable
{
    private readonly ServiceProvider _services;

    public CacheFixture(Action<IServiceCollection>? configure = null)
    {
        var collection = new ServiceCollection()
            .AddSingleton<TimeProvider>(Time)
            .AddLogging(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(new FakeLoggerProvider(Logs)))
            .AddLlmCaching();
        configure?.Invoke(collection);
        _services = collection.BuildServiceProvider();
        Cache = _services.GetRequiredService<LlmResponseCache>();
    }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    public FakeLogCollector Logs { get; } = new();

    public LlmResponseCache Cache { get; }

    public IServiceProvider Services => _services;

    public CountingClient Upstream { get; } = new();

    public static CancellationToken Ct => TestContext.Current.CancellationToken;

    public LlmCachingChatClient Client(LlmCachingOptions? options = null, IEmbeddingGenerator<string, Embedding<float>>? generator = null, ILlmSemanticCacheIndex? index = null) =>
        new(Upstream, Cache, options, generator, index);

    public void Dispose() => _services.Dispose();
}

/// <summary>An upstream that answers "answer N" (N counts calls), or what <see cref="Respond"/> says, and streams word by word.</summary>
internal sealed class CountingClient : IChatClient
{
    private int _calls;

    public int Calls => Volatile.Read(ref _calls);

    /// <summary>Gets or sets what to answer; receives the call number.</summary>
    public Func<int, ChatResponse> Respond { get; set; } = n => Answer("answer " + n);

    /// <summary>Gets or sets a task every call waits for before answering (to hold concurrent calls in flight).</summary>
    public Task Gate { get; set; } = Task.CompletedTask;

    public static ChatResponse Answer(string text, ChatFinishReason? finish = null) =>
        new(new ChatMessage(ChatRole.Assistant, text) { MessageId = "m1" })
        {
            ResponseId = "r1",
            ModelId = "model-1",
            FinishReason = finish ?? ChatFinishReason.Stop,
            Usage = new UsageDetails { InputTokenCount = 10, OutputTokenCount = 20, TotalTokenCount = 30 },
        };

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var n = Interlocked.Increment(ref _calls);
        await Gate.WaitAsync(cancellationToken);
        return Respond(n);
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var n = Interlocked.Increment(ref _calls);
        await Gate.WaitAsync(cancellationToken);
        foreach (var update in Respond(n).ToChatResponseUpdates())
        {
            foreach (var piece in Split(update))
            {
                yield return piece;
            }
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    public void Dispose()
    {
    }

    /// <summary>Splits a text update into one update per word, keeping everything else on the last piece.</summary>
    private static IEnumerable<ChatResponseUpdate> Split(ChatResponseUpdate update)
    {
        if (update.Contents is not [TextContent { Text: { } text }])
        {
            yield return update;
            yield break;
        }

        var words = text.Split(' ');
        for (var i = 0; i < words.Length; i++)
        {
            var last = i == words.Length - 1;
            yield return new ChatResponseUpdate(update.Role, (i == 0 ? string.Empty : " ") + words[i])
            {
                MessageId = update.MessageId,
                ResponseId = update.ResponseId,
                ModelId = update.ModelId,
                FinishReason = last ? update.FinishReason : null,
                AdditionalProperties = last ? update.AdditionalProperties : null,
            };
        }
    }
}
