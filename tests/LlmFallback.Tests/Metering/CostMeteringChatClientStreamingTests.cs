using Microsoft.Extensions.Time.Testing;
using static LlmFallback.Tests.Metering.MeteringTestKit;

namespace LlmFallback.Tests.Metering;

/// <summary>Streams: usage added up across updates, the final update annotated before the caller sees it, estimates from the streamed text.</summary>
public sealed class CostMeteringChatClientStreamingTests
{
    [Fact]
    public async Task GetStreamingResponseAsync_UsageContent_IsSummedAndPutOnTheFinalUpdate()
    {
        var inner = new FakeChatClient("p")
        {
            OnGetStreamingResponse = (_, _, ct) => TwoUsageUpdates(ct),
        };
        using var client = new CostMeteringChatClient(inner);

        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in client.GetStreamingResponseAsync(Prompt(), null, Ct))
        {
            updates.Add(update);
        }

        var info = updates[^1].GetLlmCallInfo();
        Assert.NotNull(info);
        Assert.Equal(1000, info.InputTokenCount);
        Assert.Equal(500, info.OutputTokenCount);
        Assert.Equal(LlmPriceCatalog.Default.GetCost("claude-sonnet-4-5", 1000, 500), info.Cost);
        Assert.Single(updates, u => u.GetLlmCallInfo() is not null);
        Assert.Equal(info, updates.ToChatResponse().GetLlmCallInfo());
    }

    [Fact]
    public async Task GetStreamingResponseAsync_ThroughFallback_AnnotatesTheFallbackInfoBeforeTheCallerSeesIt()
    {
        var time = new FakeTimeProvider();
        var provider = new LlmProvider("openai", Answering("Hello world", "gpt-4o-mini", Usage(100, 20)), new LlmProviderOptions { Model = "gpt-4o-mini" }, timeProvider: time);
        using var client = new CostMeteringChatClient(new FallbackChatClient([provider], timeProvider: time));

        LlmCallInfo? seen = null;
        decimal? costWhenSeen = null;
        await foreach (var update in client.GetStreamingResponseAsync(Prompt(), null, Ct))
        {
            if (update.GetLlmCallInfo() is { } info)
            {
                seen = info;
                costWhenSeen = info.Cost;
            }
        }

        Assert.NotNull(seen);
        Assert.Equal("openai", seen.Provider);
        Assert.Equal(LlmPriceCatalog.Default.GetCost("gpt-4o-mini", 100, 20), costWhenSeen);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_NoUsage_EstimatesFromTheStreamedText()
    {
        using var client = new CostMeteringChatClient(Answering("one two three four", "gpt-4o", usage: null));

        LlmCallInfo? info = null;
        await foreach (var update in client.GetStreamingResponseAsync(Prompt(), null, Ct))
        {
            info = update.GetLlmCallInfo() ?? info;
        }

        Assert.NotNull(info);
        Assert.True(info.IsUsageEstimated);
        Assert.Equal(LlmTokenCounter.ForModel("gpt-4o").CountTokens("one two three four"), info.OutputTokenCount);
    }

    private static async IAsyncEnumerable<ChatResponseUpdate> TwoUsageUpdates([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        await Task.Yield();
        yield return new ChatResponseUpdate { Contents = [new UsageContent(new UsageDetails { InputTokenCount = 1000 })], ModelId = "claude-sonnet-4-5-20250929" };
        yield return new ChatResponseUpdate(ChatRole.Assistant, "Hello") { ModelId = "claude-sonnet-4-5-20250929", MessageId = "m" };
        ct.ThrowIfCancellationRequested();
        yield return new ChatResponseUpdate { Contents = [new UsageContent(new UsageDetails { OutputTokenCount = 500 })], FinishReason = ChatFinishReason.Stop };
    }
}
