namespace LlmFallback.Tests.Portability;

public class LlmContentOriginTests
{
    [Fact]
    public void GetOrigin_Null_Throws() => Assert.Throws<ArgumentNullException>(() => LlmContentOrigin.GetOrigin(null!));

    [Fact]
    public void SetOrigin_NullContentOrBlankFamily_Throws()
    {
        Assert.Throws<ArgumentNullException>(() => LlmContentOrigin.SetOrigin(null!, "x"));
        Assert.Throws<ArgumentException>(() => new TextContent("t").SetOrigin(" "));
        Assert.Throws<ArgumentNullException>(() => new TextContent("t").SetOrigin(null!));
    }

    [Fact]
    public void SetOrigin_Content_IsReadBackUnderTheDocumentedKey()
    {
        var content = new TextReasoningContent("r");

        content.SetOrigin(LlmProviderFamily.Anthropic);

        Assert.Equal("anthropic", content.GetOrigin());
        Assert.Equal("anthropic", content.AdditionalProperties![LlmContentOrigin.AdditionalPropertiesKey]);
        Assert.Null(new TextContent("plain").GetOrigin());
    }

    [Fact]
    public void Record_NullArguments_Throw()
    {
        Assert.Throws<ArgumentNullException>(() => LlmContentOrigin.Record((ChatResponse)null!, "x"));
        Assert.Throws<ArgumentNullException>(() => LlmContentOrigin.Record((ChatResponseUpdate)null!, "x"));
        Assert.Throws<ArgumentException>(() => LlmContentOrigin.Record(new ChatResponse(), ""));
        Assert.Throws<ArgumentException>(() => LlmContentOrigin.Record(new ChatResponseUpdate(), ""));
    }

    [Fact]
    public void Record_Response_MarksCallsReasoningAndContentWithPropertiesButNotPlainText()
    {
        var text = new TextContent("answer");
        var call = new FunctionCallContent("call_1", "f");
        var reasoning = new TextReasoningContent("thought") { ProtectedData = "sig" };
        var signed = new TextContent("x") { AdditionalProperties = new() { ["provider.key"] = "v" } };
        var response = new ChatResponse(new ChatMessage(ChatRole.Assistant, [text, call, reasoning, signed]));

        LlmContentOrigin.Record(response, LlmProviderFamily.OpenAI);

        Assert.Null(text.AdditionalProperties);
        Assert.Equal("openai", call.GetOrigin());
        Assert.Equal("openai", reasoning.GetOrigin());
        Assert.Equal("openai", signed.GetOrigin());
    }

    [Fact]
    public void Record_ContentWithAnOrigin_KeepsIt()
    {
        var call = new FunctionCallContent("c", "f");
        call.SetOrigin(LlmProviderFamily.Gemini);
        var update = new ChatResponseUpdate(ChatRole.Assistant, [call]);

        LlmContentOrigin.Record(update, LlmProviderFamily.Anthropic);

        Assert.Equal("gemini", call.GetOrigin());
    }

    [Fact]
    public void Record_StreamedUpdates_OriginSurvivesToChatResponseCoalescing()
    {
        ChatResponseUpdate[] updates =
        [
            new(ChatRole.Assistant, [new TextReasoningContent("Let me ")]) { MessageId = "m" },
            new(ChatRole.Assistant, [new TextReasoningContent("think.") { ProtectedData = "sig" }]) { MessageId = "m" },
            new(ChatRole.Assistant, [new TextContent("Hi")]) { MessageId = "m" },
        ];
        foreach (var update in updates)
        {
            LlmContentOrigin.Record(update, LlmProviderFamily.Anthropic);
        }

        var reasoning = Assert.Single(updates.ToChatResponse().Messages[0].Contents.OfType<TextReasoningContent>());

        Assert.Equal("Let me think.", reasoning.Text);
        Assert.Equal("sig", reasoning.ProtectedData);
        Assert.Equal("anthropic", reasoning.GetOrigin());
    }
}
