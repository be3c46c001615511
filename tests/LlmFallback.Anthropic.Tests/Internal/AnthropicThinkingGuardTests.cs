namespace LlmFallback.Anthropic.Tests;

public class AnthropicThinkingGuardTests
{
    private static readonly ChatOptions Thinking = new() { Reasoning = new ReasoningOptions { Effort = ReasoningEffort.High } };

    private static List<ChatMessage> Loop(params AIContent[] assistant) =>
        [new(ChatRole.User, "Q"), new(ChatRole.Assistant, [.. assistant]), new(ChatRole.Tool, [new FunctionResultContent("call_1", "r")])];

    [Fact]
    public void Apply_ForeignToolLoopWithThinking_TurnsThinkingOffOnACopy()
    {
        var options = AnthropicThinkingGuard.Apply(Loop(new FunctionCallContent("call_1", "f")), Thinking, out var turnedOff);

        Assert.True(turnedOff);
        Assert.NotSame(Thinking, options);
        Assert.Null(options!.Reasoning);
        Assert.NotNull(Thinking.Reasoning);
    }

    [Fact]
    public void Apply_LoopOpenedWithSignedThinking_KeepsTheOptions()
    {
        var options = AnthropicThinkingGuard.Apply(Loop(new TextReasoningContent("t") { ProtectedData = "sig" }, new FunctionCallContent("call_1", "f")), Thinking, out var turnedOff);

        Assert.False(turnedOff);
        Assert.Same(Thinking, options);
    }

    [Fact]
    public void Apply_NewUserTurnOrNoThinking_KeepsTheOptions()
    {
        List<ChatMessage> newTurn = [.. Loop(new FunctionCallContent("call_1", "f")), new(ChatRole.Assistant, "Sunny."), new(ChatRole.User, "Thanks")];
        var off = new ChatOptions { Reasoning = new ReasoningOptions { Effort = ReasoningEffort.None } };

        Assert.Same(Thinking, AnthropicThinkingGuard.Apply(newTurn, Thinking, out var first));
        Assert.Same(off, AnthropicThinkingGuard.Apply(Loop(new FunctionCallContent("call_1", "f")), off, out var second));
        Assert.Null(AnthropicThinkingGuard.Apply(Loop(new FunctionCallContent("call_1", "f")), null, out var third));
        Assert.False(first || second || third);
    }

    [Fact]
    public void ContinuesUnsignedToolLoop_ConsecutiveAssistantMessages_ReadsTheFirstOfThem()
    {
        List<ChatMessage> messages =
        [
            new(ChatRole.User, "Q"),
            new(ChatRole.Assistant, [new TextReasoningContent("t") { ProtectedData = "sig" }]),
            new(ChatRole.Assistant, [new FunctionCallContent("call_1", "f")]),
            new(ChatRole.Tool, [new FunctionResultContent("call_1", "r")]),
        ];

        Assert.False(AnthropicThinkingGuard.ContinuesUnsignedToolLoop(messages));
    }
}
