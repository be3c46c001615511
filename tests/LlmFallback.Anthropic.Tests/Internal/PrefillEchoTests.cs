namespace LlmFallback.Anthropic.Tests;

public sealed class PrefillEchoTests
{
    [Theory]
    [InlineData(" ", new[] { " world" }, new[] { "world" })] // the repeat of the trimmed space goes
    [InlineData("\n\n", new[] { "\n", "\n- item\n", "\n" }, new[] { "", "- item\n", "\n" })] // across updates, then never again
    [InlineData(" ", new[] { "\nNext line" }, new[] { "\nNext line" })] // other whitespace is the model's own: kept
    [InlineData(" ", new[] { "world", " again" }, new[] { "world", " again" })] // no repeat: nothing removed, later text untouched
    [InlineData("\n", new[] { "\n\nParagraph" }, new[] { "\nParagraph" })] // only as much as was trimmed
    public void Strip_Continuation_RemovesOnlyTheRepeatedWhitespace(string trimmed, string[] chunks, string[] expected)
    {
        var echo = new PrefillEcho(trimmed);
        var contents = chunks.Select(c => new TextContent(c)).ToList();

        foreach (var content in contents)
        {
            echo.Strip([new UsageContent(), content]);
        }

        Assert.Equal(expected, contents.Select(c => c.Text));
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
