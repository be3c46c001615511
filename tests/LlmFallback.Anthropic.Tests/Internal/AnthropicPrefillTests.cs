namespace LlmFallback.Anthropic.Tests;

public sealed class AnthropicPrefillTests
{
    [Fact]
    public void TrimTrailingWhitespace_LastMessageFromUser_ReturnsSameMessages()
    {
        ChatMessage[] messages = [new(ChatRole.User, "Say hi ")];

        var result = AnthropicPrefill.TrimTrailingWhitespace(messages, out var trimmed);

        Assert.Same(messages, result);
        Assert.Null(trimmed);
    }

    [Fact]
    public void TrimTrailingWhitespace_PrefillWithoutTrailingWhitespace_ReturnsSameMessages()
    {
        ChatMessage[] messages = [new(ChatRole.User, "Say hi"), new(ChatRole.Assistant, "Hello,")];

        var result = AnthropicPrefill.TrimTrailingWhitespace(messages, out var trimmed);

        Assert.Same(messages, result);
        Assert.Null(trimmed);
    }

    [Fact]
    public void TrimTrailingWhitespace_PrefillEndingInWhitespace_TrimsAndReportsIt()
    {
        var user = new ChatMessage(ChatRole.User, "Say hi");
        ChatMessage[] messages = [user, new(ChatRole.Assistant, "Hello, \n")];

        var result = AnthropicPrefill.TrimTrailingWhitespace(messages, out var trimmed).ToList();

        Assert.Equal(" \n", trimmed);
        Assert.Same(user, result[0]);
        Assert.Equal(ChatRole.Assistant, result[1].Role);
        Assert.Equal("Hello,", result[1].Text);
        Assert.Equal("Hello, \n", messages[1].Text);
    }

    [Fact]
    public void TrimTrailingWhitespace_WhitespaceSpreadOverContents_TrimsAcrossThem()
    {
        ChatMessage[] messages = [new(ChatRole.User, "Go"), new(ChatRole.Assistant, [new TextContent("One two "), new TextContent("  ")])];

        var result = AnthropicPrefill.TrimTrailingWhitespace(messages, out var trimmed).ToList();

        Assert.Equal("   ", trimmed);
        var text = Assert.Single(result[1].Contents);
        Assert.Equal("One two", Assert.IsType<TextContent>(text).Text);
    }

    [Fact]
    public void TrimTrailingWhitespace_WhitespaceOnlyPrefill_DropsTheMessage()
    {
        var user = new ChatMessage(ChatRole.User, "Go");
        ChatMessage[] messages = [user, new(ChatRole.Assistant, "\n\n")];

        var result = AnthropicPrefill.TrimTrailingWhitespace(messages, out var trimmed).ToList();

        Assert.Equal("\n\n", trimmed);
        Assert.Equal([user], result);
    }

    [Fact]
    public void TrimTrailingWhitespace_PrefillEndingInNonText_IsLeftAlone()
    {
        ChatMessage[] messages = [new(ChatRole.User, "Go"), new(ChatRole.Assistant, [new TextContent("Calling "), new FunctionCallContent("c1", "f")])];

        var result = AnthropicPrefill.TrimTrailingWhitespace(messages, out var trimmed);

        Assert.Same(messages, result);
        Assert.Null(trimmed);
    }
}
