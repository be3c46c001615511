namespace LlmFallback.Tests.CostOptimization;

public sealed class LlmPromptCompactorTests
{
    [Fact]
    public void CompactText_ProseWhitespace_IsCollapsed()
    {
        Assert.Equal("Answer the question briefly.", LlmPromptCompactor.CompactText("Answer  the\tquestion   briefly.   "));
        Assert.Equal("a\n\nb", LlmPromptCompactor.CompactText("\n\na\n\n\n\n   \nb\n\n"));
    }

    [Fact]
    public void CompactText_Indentation_IsKept()
    {
        const string list = "Steps:\n  - first  item\n    - nested   item";

        Assert.Equal("Steps:\n  - first item\n    - nested   item", LlmPromptCompactor.CompactText(list));
    }

    [Fact]
    public void CompactText_FencedCode_IsUntouched()
    {
        const string text = "Fix this:\n```python\ndef f(x):\n    return  x   +  1\n\n\n\nprint( f(1) )  \n```\nThanks   a lot";

        Assert.Equal("Fix this:\n```python\ndef f(x):\n    return  x   +  1\n\n\n\nprint( f(1) )  \n```\nThanks a lot", LlmPromptCompactor.CompactText(text));
    }

    [Fact]
    public void CompactText_TildeFenceAndLongerFence_CloseOnlyOnTheirOwnMarker()
    {
        const string text = "~~~~\na  b\n```\nc  d\n~~~~\ne  f";

        Assert.Equal("~~~~\na  b\n```\nc  d\n~~~~\ne f", LlmPromptCompactor.CompactText(text));
    }

    [Fact]
    public void CompactText_InlineCode_IsUntouched()
    {
        Assert.Equal("Run `ls   -la` and ``a  `b` `` now", LlmPromptCompactor.CompactText("Run  `ls   -la`  and  ``a  `b` ``  now"));
    }

    [Fact]
    public void CompactText_NothingToCompact_ReturnsTheSameString()
    {
        const string text = "Already compact.\n\nTwo paragraphs.";

        Assert.Same(text, LlmPromptCompactor.CompactText(text));
    }

    [Fact]
    public void Compact_DuplicateSystemMessage_IsDropped()
    {
        List<ChatMessage> messages =
        [
            new(ChatRole.System, "You are helpful."),
            new(ChatRole.System, "You are   helpful.  "),
            new(ChatRole.System, "Answer in French."),
            new(ChatRole.User, "Hello"),
        ];

        var compacted = LlmPromptCompactor.Compact(messages, whitespace: true, duplicateSystem: true);

        Assert.Equal(["You are helpful.", "Answer in French.", "Hello"], compacted.Select(m => m.Text));
        Assert.Equal(4, messages.Count);
    }

    [Fact]
    public void Compact_ToolMessagesAndCalls_AreUntouched()
    {
        var call = new ChatMessage(ChatRole.Assistant, [new FunctionCallContent("c1", "search", new Dictionary<string, object?> { ["q"] = "a  b" })]);
        var result = new ChatMessage(ChatRole.Tool, [new FunctionResultContent("c1", "{\"text\":  \"x   y\"}")]);
        List<ChatMessage> messages = [new(ChatRole.User, "Find  it"), call, result];

        var compacted = LlmPromptCompactor.Compact(messages, whitespace: true, duplicateSystem: true);

        Assert.Equal("Find it", compacted[0].Text);
        Assert.Same(call, compacted[1]);
        Assert.Same(result, compacted[2]);
    }

    [Fact]
    public void Compact_NothingChanged_ReturnsTheSameList()
    {
        List<ChatMessage> messages = [new(ChatRole.System, "Be brief."), new(ChatRole.User, "Hi")];

        Assert.Same(messages, LlmPromptCompactor.Compact(messages, whitespace: true, duplicateSystem: true));
    }
}
