namespace LlmFallback.Tests.Portability;

public partial class LlmPortabilityTests
{
    [Fact]
    public void Prepare_IdsTheTargetRefuses_AreReplacedAlikeInCallAndResult()
    {
        var longId = "call_" + new string('x', 60);
        List<ChatMessage> history =
        [
            new(ChatRole.Assistant, [From("gemini", new FunctionCallContent(longId, "a")), From("openai", new FunctionCallContent("functions.b:1", "b"))]),
            new(ChatRole.Tool, [new FunctionResultContent(longId, "ra"), new FunctionResultContent("functions.b:1", "rb")]),
        ];

        var toOpenAI = Prepare(history, OpenAI);
        var toAnthropic = Prepare(history, Anthropic);

        var openAICalls = toOpenAI[0].Contents.OfType<FunctionCallContent>().ToList();
        Assert.Matches("^lf_[0-9a-f]{16}$", openAICalls[0].CallId);
        Assert.Equal("functions.b:1", openAICalls[1].CallId);
        Assert.Equal(openAICalls.Select(c => c.CallId), toOpenAI[1].Contents.OfType<FunctionResultContent>().Select(r => r.CallId));
        var anthropicCalls = toAnthropic[0].Contents.OfType<FunctionCallContent>().ToList();
        Assert.All(anthropicCalls, c => Assert.Matches("^[a-zA-Z0-9_-]+$", c.CallId));
        Assert.Equal(anthropicCalls.Select(c => c.CallId), toAnthropic[1].Contents.OfType<FunctionResultContent>().Select(r => r.CallId));
        Assert.Equal(longId, ((FunctionCallContent)history[0].Contents[0]).CallId);
        Assert.Equal("gemini", anthropicCalls[0].GetOrigin());
    }

    [Fact]
    public void Prepare_ReplacedIds_AreTheSameOnEveryRequest()
    {
        List<ChatMessage> history = [new(ChatRole.Assistant, [new FunctionCallContent("a.b", "f")]), new(ChatRole.Tool, [new FunctionResultContent("a.b", "r")])];

        var first = Prepare(history, Anthropic);
        var second = Prepare(history, Anthropic);

        Assert.Equal(((FunctionCallContent)first[0].Contents[0]).CallId, ((FunctionCallContent)second[0].Contents[0]).CallId);
    }

    [Fact]
    public void Prepare_CallsAndResultsWithoutIds_GetIdsPairedInOrder()
    {
        List<ChatMessage> history =
        [
            new(ChatRole.Assistant, [new FunctionCallContent(string.Empty, "first"), new FunctionCallContent(string.Empty, "second")]),
            new(ChatRole.Tool, [new FunctionResultContent(string.Empty, "r1"), new FunctionResultContent(string.Empty, "r2")]),
        ];

        var prepared = Prepare(history, OpenAI);

        Assert.Equal(["lf_call_0_0", "lf_call_0_1"], prepared[0].Contents.OfType<FunctionCallContent>().Select(c => c.CallId));
        Assert.Equal(["lf_call_0_0", "lf_call_0_1"], prepared[1].Contents.OfType<FunctionResultContent>().Select(r => r.CallId));
        Assert.Equal(["r1", "r2"], prepared[1].Contents.OfType<FunctionResultContent>().Select(r => (string)r.Result!));
    }

    [Fact]
    public void Prepare_UnsignedCallsForGemini_GetThePlaceholderOnTheFirstCallOfEachStepOnly()
    {
        var signed = From("gemini", new FunctionCallContent("g1", "f") { AdditionalProperties = new() { ["gemini.thoughtSignature"] = "real" } });
        List<ChatMessage> history =
        [
            new(ChatRole.User, "Q"),
            new(ChatRole.Assistant, [new TextContent("Let me check."), From("openai", new FunctionCallContent("call_1", "f")), From("openai", new FunctionCallContent("call_2", "f"))]),
            new(ChatRole.Tool, [new FunctionResultContent("call_1", "r1"), new FunctionResultContent("call_2", "r2")]),
            new(ChatRole.Assistant, [signed]),
            new(ChatRole.Tool, [new FunctionResultContent("g1", "r3")]),
            new(ChatRole.Assistant, [From("anthropic", new FunctionCallContent("toolu_3", "f"))]),
        ];

        var prepared = Prepare(history, Gemini);

        string? Signature(int message, int content) =>
            prepared[message].Contents[content].AdditionalProperties?.TryGetValue("gemini.thoughtSignature", out var value) == true ? (string?)value : null;
        Assert.Equal("skip_thought_signature_validator", Signature(1, 1));
        Assert.Null(Signature(1, 2));
        Assert.Same(signed, prepared[3].Contents[0]);
        Assert.Equal("skip_thought_signature_validator", Signature(5, 0));
        Assert.Null(history[1].Contents[1].AdditionalProperties!.GetValueOrDefault("gemini.thoughtSignature"));
    }

    [Fact]
    public void Prepare_ToolResultWithImagesForTextOnlyResults_MovesThemToAUserMessageAfterTheResults()
    {
        var image = new DataContent(new byte[] { 1, 2, 3 }, "image/png");
        List<ChatMessage> history =
        [
            new(ChatRole.Assistant, [new FunctionCallContent("call_1", "screenshot"), new FunctionCallContent("call_2", "time")]),
            new(ChatRole.Tool, [new FunctionResultContent("call_1", new List<AIContent> { new TextContent("Here it is."), image })]),
            new(ChatRole.Tool, [new FunctionResultContent("call_2", "12:00")]),
            new(ChatRole.User, "Describe it."),
        ];

        var prepared = Prepare(history, OpenAI);

        Assert.Equal([ChatRole.Assistant, ChatRole.Tool, ChatRole.Tool, ChatRole.User, ChatRole.User], prepared.Select(m => m.Role));
        var result = (FunctionResultContent)prepared[1].Contents[0];
        Assert.Equal("Here it is.\n[1 attachment returned by this tool follows in the next message.]", result.Result);
        Assert.Same(history[2], prepared[2]);
        Assert.Same(image, prepared[3].Contents[1]);
        Assert.Equal("Describe it.", prepared[4].Text);
    }

    [Fact]
    public void Prepare_ToolResultWithImagesForATargetThatTakesThem_IsKept()
    {
        List<ChatMessage> history =
        [
            new(ChatRole.Assistant, [new FunctionCallContent("call_1", "screenshot")]),
            new(ChatRole.Tool, [new FunctionResultContent("call_1", new DataContent(new byte[] { 1 }, "image/png"))]),
        ];

        Assert.Same(history, LlmPortability.Prepare(history, Anthropic));
    }
}
