namespace LlmFallback.Tests.Routing;

public sealed class PromptTokensTests
{
    public static TheoryData<string> Texts => new()
    {
        "hello",
        string.Concat(Enumerable.Repeat("hello world ", 300)),
        "日本語のテキストとエモジ 🚀🔥👩‍👩‍👧‍👦 and accents: déjà vu, naïve, Ærøskøbing",
        "def f(x):\n    return {k: v for k, v in x.items() if v is not None}  # code",
        new string(' ', 2000),
        "العربية والعبرية עברית و हिन्दी",
    };

    [Theory]
    [MemberData(nameof(Texts))]
    public void UpperBound_AnyText_NeverBelowTheExactOrApproximateCount(string text)
    {
        List<ChatMessage> messages = [new(ChatRole.System, "sys"), new(ChatRole.User, text) { AuthorName = "ann" }];
        var options = new ChatOptions { Tools = [AIFunctionFactory.Create((string city) => city, "weather", "Gets the weather")] };
        foreach (var counter in new[] { LlmTokenCounter.ForEncoding("o200k_base"), LlmTokenCounter.ForEncoding("cl100k_base"), LlmTokenCounter.ForModel("claude-sonnet-4-5") })
        {
            var tokens = new PromptTokens(messages, options);

            Assert.True(tokens.UpperBound(counter) >= counter.CountTokens(messages, options), counter.Encoding);
            Assert.Equal(counter.CountTokens(messages, options), tokens.Count(counter));
        }
    }

    [Fact]
    public void Count_ExactThenApproximate_SameEncodingCountedOnceAndReported()
    {
        List<ChatMessage> messages = [new(ChatRole.User, [new TextContent("look"), new DataContent(new byte[] { 1 }, "image/png")])];
        var tokens = new PromptTokens(messages, null);
        Assert.Null(tokens.Counted);

        var exact = tokens.Count(LlmTokenCounter.ForEncoding("o200k_base"));
        var approximate = tokens.Count(LlmTokenCounter.ForModel("claude-sonnet-4-5"));

        Assert.Equal(LlmTokenCounter.ForEncoding("o200k_base").CountTokens(messages), exact);
        Assert.Equal(LlmTokenCounter.ForModel("claude-sonnet-4-5").CountTokens(messages), approximate);
        Assert.Equal(exact, tokens.Counted);
    }

    [Fact]
    public void UpperBound_FunctionCallsInTheConversation_Unbounded()
    {
        List<ChatMessage> messages = [new(ChatRole.Assistant, [new FunctionCallContent("c1", "f", new Dictionary<string, object?> { ["a"] = 1 })])];

        Assert.Equal(int.MaxValue, new PromptTokens(messages, null).UpperBound(LlmTokenCounter.ForEncoding("o200k_base")));
    }
}
