using static LlmFallback.Tests.Metering.MeteringTestKit;

namespace LlmFallback.Tests.CostOptimization;

public sealed class LlmKeepLastMessagesChatReducerTests
{
    [Fact]
    public async Task ReduceAsync_CutInsideAToolTurn_KeepsTheWholeTurnAndTheSystemMessage()
    {
        var history = ChatHistory.WithToolTurn();

        // The last 3 messages start at the tool result: the turn from "Weather in Paris?" on is kept.
        var reduced = (await new LlmKeepLastMessagesChatReducer(3).ReduceAsync(history, Ct)).ToList();

        Assert.Equal([history[0], history[3], history[4], history[5], history[6], history[7]], reduced);
    }

    [Fact]
    public async Task ReduceAsync_LastMessageOnly_KeepsSystemAndTheLastUserMessage()
    {
        var history = ChatHistory.WithToolTurn();

        var reduced = (await new LlmKeepLastMessagesChatReducer(1).ReduceAsync(history, Ct)).ToList();

        Assert.Equal([history[0], history[7]], reduced);
    }

    [Fact]
    public async Task ReduceAsync_ShortConversation_IsReturnedAsItIs()
    {
        var history = ChatHistory.WithToolTurn();

        Assert.Same(history, await new LlmKeepLastMessagesChatReducer(7).ReduceAsync(history, Ct));
        Assert.Same(history, await new LlmKeepLastMessagesChatReducer(50).ReduceAsync(history, Ct));
    }

    [Fact]
    public void Constructor_BadArguments_Throw()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new LlmKeepLastMessagesChatReducer(0));
        Assert.Equal(4, new LlmKeepLastMessagesChatReducer(4).MessageCount);
    }

    [Fact]
    public async Task ReduceAsync_NullMessages_Throws() =>
        await Assert.ThrowsAsync<ArgumentNullException>(() => new LlmKeepLastMessagesChatReducer(1).ReduceAsync(null!, Ct));
}
