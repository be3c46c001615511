using static LlmFallback.Tests.Metering.MeteringTestKit;

namespace LlmFallback.Tests.CostOptimization;

public sealed class LlmTokenBudgetChatReducerTests
{
    private static readonly LlmTokenCounter Counter = LlmTokenCounter.ForModel("gpt-4o");

    private static int Tokens(IEnumerable<ChatMessage> messages)
    {
        var total = 0;
        foreach (var message in messages)
        {
            total += Counter.CountTokens([message]);
        }

        return total;
    }

    [Fact]
    public async Task ReduceAsync_Budget_KeepsTheLatestWholeTurnsThatFit()
    {
        var history = ChatHistory.WithToolTurn();
        var lastTwoTurns = Tokens([history[0], .. history[3..]]);

        var reduced = (await new LlmTokenBudgetChatReducer(lastTwoTurns, Counter).ReduceAsync(history, Ct)).ToList();

        Assert.Equal([history[0], .. history[3..]], reduced);
    }

    [Fact]
    public async Task ReduceAsync_OneTokenShortOfATurn_LeavesThatTurnOut()
    {
        var history = ChatHistory.WithToolTurn();
        var lastTwoTurns = Tokens([history[0], .. history[3..]]);

        var reduced = (await new LlmTokenBudgetChatReducer(lastTwoTurns - 1, Counter).ReduceAsync(history, Ct)).ToList();

        Assert.Equal([history[0], history[7]], reduced);
    }

    [Fact]
    public async Task ReduceAsync_LastTurnOverBudget_IsStillKept()
    {
        var history = ChatHistory.WithToolTurn();

        var reduced = (await new LlmTokenBudgetChatReducer(1, Counter).ReduceAsync(history, Ct)).ToList();

        Assert.Equal([history[0], history[7]], reduced);
    }

    [Fact]
    public async Task ReduceAsync_EverythingFits_ReturnsTheConversationAsItIs()
    {
        var history = ChatHistory.WithToolTurn();

        Assert.Same(history, await new LlmTokenBudgetChatReducer(100_000, Counter).ReduceAsync(history, Ct));
    }

    [Fact]
    public void Constructor_BadArguments_Throw() => Assert.Throws<ArgumentOutOfRangeException>(() => new LlmTokenBudgetChatReducer(0));

    [Fact]
    public async Task ReduceAsync_NullMessages_Throws() =>
        await Assert.ThrowsAsync<ArgumentNullException>(() => new LlmTokenBudgetChatReducer(10).ReduceAsync(null!, Ct));
}
