using System.Runtime.CompilerServices;

namespace LlmFallback.Tests.Caching;

/// <summary>Streams are stored only once complete and read to their end, and replayed as streams.</summary>
public sealed class LlmCachingChatClientStreamingTests
{
    private static CancellationToken Ct => CacheFixture.Ct;

    [Fact]
    public async Task GetStreamingResponseAsync_SecondStream_ReplaysTheOriginal()
    {
        using var f = new CacheFixture();
        f.Upstream.Respond = _ => CountingClient.Answer("the quick brown fox");
        using var client = f.Client();

        var original = await client.GetStreamingResponseAsync("q", cancellationToken: Ct).ToListAsync(Ct);
        var replay = await client.GetStreamingResponseAsync("q", cancellationToken: Ct).ToListAsync(Ct);

        Assert.Equal(1, f.Upstream.Calls);
        Assert.True(original.Count > 1);
        var a = original.ToChatResponse();
        var b = replay.ToChatResponse();
        Assert.Equal(a.Text, b.Text);
        Assert.Equal("the quick brown fox", b.Text);
        Assert.Equal(a.FinishReason, b.FinishReason);
        Assert.Equal(a.ResponseId, b.ResponseId);
        Assert.Equal(a.ModelId, b.ModelId);
        Assert.Equal(a.Messages.Count, b.Messages.Count);
        Assert.Equal(a.Messages[0].MessageId, b.Messages[0].MessageId);
        Assert.Equal(a.Usage?.TotalTokenCount, b.Usage?.TotalTokenCount);
        var info = replay[^1].GetLlmCallInfo();
        Assert.True(info?.CacheHit);
        Assert.Equal(ChatFinishReason.Stop, replay[^1].FinishReason);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_OuterStageRewritesTheUpdates_StoresWhatUpstreamSent()
    {
        // PII redaction (outside the cache) restores pseudonyms by replacing the contents of the updates it receives:
        // the same objects the cache buffered, so the stream was stored with the first caller's e-mail address under
        // the key of the redacted prompt, and replayed to the next caller whose prompt redacted the same way.
        using var f = new CacheFixture();
        f.Upstream.Respond = _ => CountingClient.Answer("Noted <EMAIL_1> for you.");
        using var cache = f.Client(new LlmCachingOptions { Scope = LlmCacheScope.Shared });
        using var pii = new PiiRedactionChatClient(cache, new PiiRedactionOptions { DefaultAction = PiiAction.Pseudonymise });

        var alice = await pii.GetStreamingResponseAsync("My e-mail is alice@example.com", cancellationToken: Ct).ToListAsync(Ct);
        var bob = await pii.GetStreamingResponseAsync("My e-mail is bob@example.com", cancellationToken: Ct).ToListAsync(Ct);
        var stored = await cache.GetResponseAsync("My e-mail is <EMAIL_1>", cancellationToken: Ct);

        Assert.Equal("Noted alice@example.com for you.", alice.ToChatResponse().Text);
        Assert.Equal("Noted bob@example.com for you.", bob.ToChatResponse().Text);
        Assert.Equal(("Noted <EMAIL_1> for you.", true), (stored.Text, stored.GetLlmCallInfo()?.CacheHit));
        Assert.Equal(1, f.Upstream.Calls);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_AfterNonStreamingAnswer_SharesTheEntry()
    {
        using var f = new CacheFixture();
        using var client = f.Client();

        var answer = await client.GetResponseAsync("q", cancellationToken: Ct);
        var replay = await client.GetStreamingResponseAsync("q", cancellationToken: Ct).ToChatResponseAsync(Ct);
        var again = await client.GetResponseAsync("q", cancellationToken: Ct);

        Assert.Equal(1, f.Upstream.Calls);
        Assert.Equal(answer.Text, replay.Text);
        Assert.Equal(answer.Text, again.Text);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_StreamWithoutFinishReason_IsNotStored()
    {
        using var f = new CacheFixture();
        var inner = new StreamClient(Updates("cut", "off", finish: false));
        using var client = new LlmCachingChatClient(inner, f.Cache);

        await client.GetStreamingResponseAsync("q", cancellationToken: Ct).ToListAsync(Ct);
        await client.GetStreamingResponseAsync("q", cancellationToken: Ct).ToListAsync(Ct);

        Assert.Equal(2, inner.Calls);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_StreamFailsMidway_IsNotStored()
    {
        using var f = new CacheFixture();
        var inner = new StreamClient(Updates("partial", "answer", finish: false), fail: new LlmPartialResponseException("p", new LlmFailure(LlmFailureKind.Transport), 7, []));
        using var client = new LlmCachingChatClient(inner, f.Cache);

        await Assert.ThrowsAsync<LlmPartialResponseException>(() => client.GetStreamingResponseAsync("q", cancellationToken: Ct).ToListAsync(Ct));
        await Assert.ThrowsAsync<LlmPartialResponseException>(() => client.GetStreamingResponseAsync("q", cancellationToken: Ct).ToListAsync(Ct));

        Assert.Equal(2, inner.Calls);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_CallerStopsEarly_IsNotStored()
    {
        using var f = new CacheFixture();
        f.Upstream.Respond = _ => CountingClient.Answer("one two three four");
        using var client = f.Client();

        await foreach (var update in client.GetStreamingResponseAsync("q", cancellationToken: Ct))
        {
            break;
        }

        await client.GetStreamingResponseAsync("q", cancellationToken: Ct).ToListAsync(Ct);
        Assert.Equal(2, f.Upstream.Calls);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_UpdateMarkedBeforeTheEnd_IsNotStored()
    {
        using var f = new CacheFixture();
        f.Upstream.Respond = _ => CountingClient.Answer("flag me please");
        using var client = f.Client();

        await foreach (var update in client.GetStreamingResponseAsync("q", cancellationToken: Ct))
        {
            // An outer stage (moderation) marks what it saw before asking for more.
            await update.DoNotCacheAsync(Ct);
        }

        await client.GetStreamingResponseAsync("q", cancellationToken: Ct).ToListAsync(Ct);
        Assert.Equal(2, f.Upstream.Calls);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_FinalUpdateMarkedAfterTheEnd_EntryRemoved()
    {
        using var f = new CacheFixture();
        using var client = f.Client();

        var updates = await client.GetStreamingResponseAsync("q", cancellationToken: Ct).ToListAsync(Ct);
        await updates[^1].DoNotCacheAsync(Ct);
        await client.GetStreamingResponseAsync("q", cancellationToken: Ct).ToListAsync(Ct);

        Assert.Equal(2, f.Upstream.Calls);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_NoStore_StreamsWithoutStoring()
    {
        using var f = new CacheFixture();
        using var client = f.Client();

        await client.GetStreamingResponseAsync("q", new ChatOptions().WithNoStore(), Ct).ToListAsync(Ct);
        await client.GetStreamingResponseAsync("q", cancellationToken: Ct).ToListAsync(Ct);
        await client.GetStreamingResponseAsync("q", new ChatOptions().WithNoCache().WithNoStore(), Ct).ToListAsync(Ct);

        Assert.Equal(3, f.Upstream.Calls);
    }

    private static List<ChatResponseUpdate> Updates(string first, string second, bool finish) =>
    [
        new(ChatRole.Assistant, first) { MessageId = "m" },
        new(ChatRole.Assistant, " " + second) { MessageId = "m", FinishReason = finish ? ChatFinishReason.Stop : null },
    ];

    private sealed class StreamClient(List<ChatResponseUpdate> updates, Exception? fail = null) : IChatClient
    {
        public int Calls { get; private set; }

        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            Calls++;
            foreach (var update in updates)
            {
                await Task.Yield();
                yield return update;
            }

            if (fail is not null)
            {
                throw fail;
            }
        }

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}
