namespace LlmFallback.Tests.Portability;

public partial class LlmPortabilityTests
{
    private static readonly LlmPortabilityTarget Anthropic = new(LlmProviderFamily.Anthropic) { ToolCallIdsLettersDigitsUnderscoreHyphen = true, ReasoningRequiresSignature = true };
    private static readonly LlmPortabilityTarget OpenAI = new(LlmProviderFamily.OpenAI) { MaxToolCallIdLength = 40, ToolResultMediaInUserMessage = true };
    private static readonly LlmPortabilityTarget Gemini = new(LlmProviderFamily.Gemini) { FunctionCallSignatureKey = "gemini.thoughtSignature", FunctionCallSignaturePlaceholder = "skip_thought_signature_validator" };

    private static TContent From<TContent>(string family, TContent content)
        where TContent : AIContent
    {
        content.SetOrigin(family);
        return content;
    }

    private static List<ChatMessage> Prepare(List<ChatMessage> history, LlmPortabilityTarget target, LlmPortabilityOptions? options = null) =>
        [.. LlmPortability.Prepare(history, target, options)];

    [Fact]
    public void Prepare_NullArguments_Throw()
    {
        Assert.Throws<ArgumentNullException>(() => LlmPortability.Prepare(null!, OpenAI));
        Assert.Throws<ArgumentNullException>(() => LlmPortability.Prepare([], null!));
    }

    [Fact]
    public void Prepare_HistoryOfTheTargetsOwnFamily_ReturnsTheSameInstance()
    {
        List<ChatMessage> history =
        [
            new(ChatRole.User, "Weather in Paris?"),
            new(ChatRole.Assistant, [From("anthropic", new TextReasoningContent("thinking") { ProtectedData = "sig" }), From("anthropic", new FunctionCallContent("toolu_01", "get_weather"))]),
            new(ChatRole.Tool, [new FunctionResultContent("toolu_01", "sunny")]),
            new(ChatRole.Assistant, "It is sunny."),
        ];

        Assert.Same(history, LlmPortability.Prepare(history, Anthropic));
    }

    [Fact]
    public void Prepare_Disabled_ReturnsForeignHistoryUntouched()
    {
        List<ChatMessage> history = [new(ChatRole.Assistant, [From("gemini", new TextReasoningContent("t") { ProtectedData = "gemini-sig" })])];

        Assert.Same(history, LlmPortability.Prepare(history, Anthropic, new LlmPortabilityOptions { Enabled = false }));
    }

    [Fact]
    public void Prepare_ForeignSignedReasoning_IsDroppedAndTheCallersHistoryUnchanged()
    {
        var reasoning = From("gemini", new TextReasoningContent("Gemini thought") { ProtectedData = "gemini-sig" });
        var original = new ChatMessage(ChatRole.Assistant, [reasoning, new TextContent("Answer")]) { MessageId = "m1", RawRepresentation = new object() };
        List<ChatMessage> history = [new(ChatRole.User, "Q"), original];

        var prepared = Prepare(history, Anthropic);

        var message = prepared[1];
        Assert.NotSame(original, message);
        Assert.Equal("Answer", Assert.IsType<TextContent>(Assert.Single(message.Contents)).Text);
        Assert.Equal("m1", message.MessageId);
        Assert.Null(message.RawRepresentation);
        Assert.Same(history[0], prepared[0]);
        Assert.Equal(2, original.Contents.Count);
    }

    [Fact]
    public void Prepare_ForeignReasoningWithTextOption_BecomesPlainTextWithoutItsData()
    {
        List<ChatMessage> history = [new(ChatRole.Assistant, [From("openai", new TextReasoningContent("Because.") { ProtectedData = "encrypted" }), From("openai", new TextReasoningContent(string.Empty) { ProtectedData = "only-data" })])];

        var prepared = Prepare(history, Gemini, new LlmPortabilityOptions { ForeignReasoning = LlmReasoningPortability.Text });

        var text = Assert.IsType<TextContent>(Assert.Single(prepared[0].Contents));
        Assert.Equal("Because.", text.Text);
        Assert.Null(text.AdditionalProperties);
    }

    [Fact]
    public void Prepare_MessageHoldingOnlyForeignReasoning_IsLeftOut()
    {
        List<ChatMessage> history = [new(ChatRole.User, "Q"), new(ChatRole.Assistant, [From("anthropic", new TextReasoningContent("t") { ProtectedData = "s" })]), new(ChatRole.User, "again")];

        var prepared = Prepare(history, OpenAI);

        Assert.Equal(["Q", "again"], prepared.Select(m => m.Text));
    }

    [Fact]
    public void Prepare_UnsignedReasoningForATargetThatNeedsSignatures_IsNotCarriedWhateverMadeIt()
    {
        List<ChatMessage> history = [new(ChatRole.Assistant, [From("anthropic", new TextReasoningContent("unsigned")), new TextReasoningContent("app-made"), new TextContent("ok")])];

        var prepared = Prepare(history, Anthropic);

        Assert.IsType<TextContent>(Assert.Single(prepared[0].Contents));
    }

    [Theory]
    [InlineData(LlmUnknownOrigin.Keep, true)]
    [InlineData(LlmUnknownOrigin.Foreign, false)]
    public void Prepare_SignedReasoningWithoutOrigin_FollowsUnknownOrigin(LlmUnknownOrigin unknown, bool kept)
    {
        var reasoning = new TextReasoningContent("t") { ProtectedData = "sig" };
        List<ChatMessage> history = [new(ChatRole.Assistant, [reasoning, new TextContent("ok")])];

        var prepared = Prepare(history, Gemini, new LlmPortabilityOptions { UnknownOrigin = unknown });

        Assert.Equal(kept, prepared[0].Contents.Contains(reasoning));
    }

    [Fact]
    public void Prepare_EnumerableThatIsNotAList_IsReadOnce()
    {
        var reads = 0;
        IEnumerable<ChatMessage> Messages()
        {
            reads++;
            yield return new ChatMessage(ChatRole.User, "Q");
        }

        var prepared = LlmPortability.Prepare(Messages(), OpenAI);

        Assert.Equal("Q", Assert.Single(prepared).Text);
        Assert.Equal(1, reads);
    }
}
