namespace LlmFallback.Tests.CostOptimization;

public sealed class LlmContextSelectorTests
{
    private static readonly LlmTokenCounter Counter = LlmTokenCounter.ForModel("gpt-4o");

    [Fact]
    public void Select_Budget_TakesTheBestChunksThatFitBestFirst()
    {
        var big = new LlmContextChunk(string.Join(' ', Enumerable.Repeat("alpha", 100)), 0.9, "big");
        var good = new LlmContextChunk("Paris is the capital of France.", 0.8, "good");
        var weak = new LlmContextChunk("France has many cheeses.", 0.2, "weak");
        var budget = Counter.CountTokens(good.Text) + Counter.CountTokens(weak.Text);

        var selection = LlmContextSelector.Select([weak, big, good], budget, Counter);

        Assert.Equal(["good", "weak"], selection.Chunks.Select(c => c.Id));
        Assert.Equal(budget, selection.TokensUsed);
        Assert.Equal(Counter.CountTokens(big.Text), selection.TokensSaved);
    }

    [Fact]
    public void Select_DuplicateText_IsTakenOnce()
    {
        var selection = LlmContextSelector.Select([new("same text", 0.5, "a"), new("same text", 0.4, "b")], 1000, Counter);

        Assert.Equal(["a"], selection.Chunks.Select(c => c.Id));
        Assert.Equal(Counter.CountTokens("same text"), selection.TokensSaved);
    }

    [Fact]
    public void Select_EqualScores_KeepTheGivenOrder()
    {
        var selection = LlmContextSelector.Select([new("one", 1, "1"), new("two", 1, "2"), new("three", 1, "3")], 1000, Counter);

        Assert.Equal(["1", "2", "3"], selection.Chunks.Select(c => c.Id));
    }

    [Fact]
    public void RecordIn_TokensSaved_AreNotedOnTheRequest()
    {
        var selection = LlmContextSelector.Select([new("a b c d e f g", 1)], 0, Counter);
        var options = selection.RecordIn(new ChatOptions());

        Assert.Equal(selection.TokensSaved, LlmContextSelection.Recorded(options));
        Assert.Throws<ArgumentNullException>(() => selection.RecordIn(null!));
    }

    [Fact]
    public void Select_BadArguments_Throw()
    {
        Assert.Throws<ArgumentNullException>(() => LlmContextSelector.Select(null!, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => LlmContextSelector.Select([], -1));
    }
}
