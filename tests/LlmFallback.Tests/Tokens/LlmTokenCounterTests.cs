using Microsoft.Extensions.AI;

namespace LlmFallback.Tests.Tokens;

public class LlmTokenCounterTests
{
    [Theory]
    [InlineData("gpt-4o-mini", "o200k_base", false)]
    [InlineData("openai/gpt-4.1", "o200k_base", false)]
    [InlineData("o3-mini", "o200k_base", false)]
    [InlineData("gpt-4-turbo", "cl100k_base", false)]
    [InlineData("gpt-3.5-turbo", "cl100k_base", false)]
    [InlineData("claude-sonnet-4-5", "o200k_base", true)]
    [InlineData("gemini-2.5-flash", "o200k_base", true)]
    [InlineData(null, "o200k_base", true)]
    public void ForModel_KnownFamilies_PicksEncoding(string? model, string encoding, bool approximate)
    {
        var counter = LlmTokenCounter.ForModel(model);

        Assert.Equal(encoding, counter.Encoding);
        Assert.Equal(approximate, counter.IsApproximate);
    }

    [Fact]
    public void CountTokens_Text_MatchesTiktoken()
    {
        var exact = LlmTokenCounter.ForModel("gpt-4o");

        Assert.Equal(2, exact.CountTokens("hello world"));
        Assert.Equal(0, exact.CountTokens((string?)null));
        Assert.Equal(0, exact.CountTokens(string.Empty));
    }

    [Fact]
    public void CountTokens_ApproximateModel_ScalesAndRoundsUp()
    {
        var exact = LlmTokenCounter.ForModel("gpt-4o");
        var approx = LlmTokenCounter.ForModel("claude-sonnet-4-5");
        var text = "The quick brown fox jumps over the lazy dog.";

        Assert.Equal((int)Math.Ceiling(exact.CountTokens(text) * LlmTokenCounter.ApproximationFactor), approx.CountTokens(text));
    }

    [Fact]
    public void CountTokens_Messages_AddsChatFormatOverhead()
    {
        var counter = LlmTokenCounter.ForModel("gpt-4o");
        ChatMessage[] messages = [new(ChatRole.System, "hello world"), new(ChatRole.User, "hello world")];

        // 3 to prime the reply; per message 3 + 1 for the role, plus the text.
        Assert.Equal(3 + (2 * (4 + 2)), counter.CountTokens(messages));
    }

    [Fact]
    public void CountTokens_ToolsImagesAndCalls_AreCounted()
    {
        var counter = LlmTokenCounter.ForModel("gpt-4o");
        ChatMessage[] plain = [new(ChatRole.User, "hi")];
        ChatMessage[] withImage = [new(ChatRole.User, [new TextContent("hi"), new DataContent(new byte[] { 1, 2, 3 }, "image/png")])];
        ChatMessage[] withCall = [new(ChatRole.User, "hi"), new(ChatRole.Assistant, [new FunctionCallContent("c1", "get_weather", new Dictionary<string, object?> { ["city"] = "Paris" })])];
        var tools = new ChatOptions { Tools = [AIFunctionFactory.Create((string city) => city, "get_weather", "Gets the weather")] };

        var baseline = counter.CountTokens(plain);
        Assert.Equal(baseline + 765, counter.CountTokens(withImage));
        Assert.True(counter.CountTokens(withCall) > baseline + 4);
        Assert.True(counter.CountTokens(plain, tools) > baseline + 8);
    }

    [Fact]
    public void ForEncoding_BadArguments_Throw()
    {
        Assert.Throws<ArgumentNullException>("encoding", () => LlmTokenCounter.ForEncoding(null!));
        Assert.Throws<ArgumentException>("encoding", () => LlmTokenCounter.ForEncoding("p50k_base"));
        Assert.Throws<ArgumentOutOfRangeException>("scale", () => LlmTokenCounter.ForEncoding("o200k_base", 0));
        Assert.Same(LlmTokenCounter.ForEncoding("cl100k_base"), LlmTokenCounter.ForEncoding("cl100k_base"));
    }

    [Fact]
    public void CountTokens_NullMessages_Throws() =>
        Assert.Throws<ArgumentNullException>("messages", () => LlmTokenCounter.ForModel("gpt-4o").CountTokens((IEnumerable<ChatMessage>)null!));
}
