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

    [Fact]
    public void Strip_ContinuationRepeatsTrimmedWhitespace_RemovesOnlyTheRepeat()
    {
        var echo = new PrefillEcho(" ");
        var first = new TextContent(" world");

        echo.Strip([first]);

        Assert.Equal("world", first.Text);
    }

    [Fact]
    public void Strip_RepeatSplitOverUpdates_RemovesItAcrossThem()
    {
        var echo = new PrefillEcho("\n\n");
        var a = new TextContent("\n");
        var b = new TextContent("\n- item\n");
        var c = new TextContent("\n");

        echo.Strip([a]);
        echo.Strip([new UsageContent(), b]);
        echo.Strip([c]);

        Assert.Equal(string.Empty, a.Text);
        Assert.Equal("- item\n", b.Text);
        Assert.Equal("\n", c.Text);
    }

    [Fact]
    public void Strip_ContinuationStartsWithOtherWhitespace_KeepsAllOfIt()
    {
        var echo = new PrefillEcho(" ");
        var first = new TextContent("\nNext line");

        echo.Strip([first]);

        Assert.Equal("\nNext line", first.Text);
    }

    [Fact]
    public void Strip_ContinuationWithoutWhitespace_KeepsText()
    {
        var echo = new PrefillEcho(" ");
        var first = new TextContent("world");
        var later = new TextContent(" again");

        echo.Strip([first]);
        echo.Strip([later]);

        Assert.Equal("world", first.Text);
        Assert.Equal(" again", later.Text);
    }

    [Fact]
    public void Strip_MoreWhitespaceThanTrimmed_KeepsTheExtra()
    {
        var echo = new PrefillEcho("\n");
        var first = new TextContent("\n\nParagraph");

        echo.Strip([first]);

        Assert.Equal("\nParagraph", first.Text);
    }

    [Fact]
    public void Strip_ToolCallBeforeText_StopsStripping()
    {
        var echo = new PrefillEcho(" ");
        var text = new TextContent(" after");

        echo.Strip([new FunctionCallContent("c1", "f"), text]);

        Assert.Equal(" after", text.Text);
    }
}
