namespace LlmFallback.Tests.Validation;

public class InputValidationChatClientTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string, ChatMessage[], InputValidationOptions, string> Violations => new()
    {
        { "MaxMessages", [new(ChatRole.User, "a"), new(ChatRole.User, "b"), new(ChatRole.User, "c")], new() { MaxMessages = 2 }, "The request has 3 messages; Llm:InputValidation:MaxMessages is 2. (Parameter 'messages')" },
        { "MaxMessageCharacters", [new(ChatRole.User, "12345")], new() { MaxMessageCharacters = 4 }, "Message 0 (user) has 5 characters; Llm:InputValidation:MaxMessageCharacters is 4. (Parameter 'messages')" },
        { "MaxTotalCharacters", [new(ChatRole.User, "123"), new(ChatRole.User, "456")], new() { MaxTotalCharacters = 5 }, "The request has 6 characters; Llm:InputValidation:MaxTotalCharacters is 5. (Parameter 'messages')" },
        { "MaxMessageTokens", [new(ChatRole.User, "one two three four five six")], new() { MaxMessageTokens = 3, TokenizerModel = "gpt-4o" }, "Message 0 (user) has 6 tokens; Llm:InputValidation:MaxMessageTokens is 3. (Parameter 'messages')" },
        { "MaxTotalTokens", [new(ChatRole.User, "hello there")], new() { MaxTotalTokens = 5, TokenizerModel = "gpt-4o" }, "The request has 9 prompt tokens; Llm:InputValidation:MaxTotalTokens is 5. (Parameter 'messages')" },
        { "AllowedRoles", [new(new ChatRole("developer"), "x")], new(), "Message 0 has role 'developer', which Llm:InputValidation:AllowedRoles does not allow (allowed: system, user, assistant, tool). (Parameter 'messages')" },
        { "RejectEmptyMessages", [new(ChatRole.User, "  ")], new(), "Message 0 (user) is empty; Llm:InputValidation:RejectEmptyMessages is on. (Parameter 'messages')" },
        { "RejectControlCharacters", [new(ChatRole.User, "bell\u0007")], new(), "Message 0 (user) holds control character U+0007 at position 4; Llm:InputValidation:RejectControlCharacters is on. (Parameter 'messages')" },
        { "MaxAttachmentBytes", [new(ChatRole.User, [new DataContent(new byte[11], "image/png")])], new() { MaxAttachmentBytes = 10 }, "Message 0 (user) has an attachment of 11 bytes; Llm:InputValidation:MaxAttachmentBytes is 10. (Parameter 'messages')" },
        { "MaxTotalAttachmentBytes", [new(ChatRole.User, [new DataContent(new byte[6], "image/png"), new DataContent(new byte[6], "image/png")])], new() { MaxTotalAttachmentBytes = 10 }, "The request's attachments hold 12 bytes; Llm:InputValidation:MaxTotalAttachmentBytes is 10. (Parameter 'messages')" },
    };

    [Theory]
    [MemberData(nameof(Violations))]
    public async Task GetResponseAsync_BrokenLimit_ThrowsNamingTheLimitAndValueAndAudits(string limit, ChatMessage[] messages, InputValidationOptions options, string message)
    {
        var inner = TestChatClient.Answering("never");
        var audit = new RecordingAuditSink();
        using var client = new InputValidationChatClient(inner, options, audit);

        var ex = await Assert.ThrowsAsync<InputValidationException>(() => client.GetResponseAsync(messages, new ChatOptions().WithUser("u"), Ct));

        Assert.Equal(message, ex.Message);
        Assert.Equal(limit, ex.Limit);
        Assert.Equal("messages", ex.ParamName);
        Assert.Equal(0, inner.CallCount);
        var e = Assert.Single(audit.Events);
        Assert.Equal((LlmAuditEventKind.InputRejected, "input_validation", limit, "u"), (e.Kind, e.Stage, e.Reason, e.User));
    }

    [Fact]
    public async Task GetResponseAsync_NumbersOnTheException_AreTheLimitAndTheValue()
    {
        using var client = new InputValidationChatClient(TestChatClient.Answering("x"), new InputValidationOptions { MaxMessageCharacters = 4 });

        var ex = await Assert.ThrowsAsync<InputValidationException>(() => client.GetResponseAsync([new(ChatRole.User, "ok"), new(ChatRole.User, "12345")], cancellationToken: Ct));

        Assert.Equal((5L, 4L, 1), (ex.ActualValue, ex.LimitValue, ex.MessageIndex));
    }

    [Fact]
    public async Task GetResponseAsync_LargeToolResult_CountsAgainstTheCharacterLimits()
    {
        var inner = TestChatClient.Answering("never");
        using var client = new InputValidationChatClient(inner, new InputValidationOptions { MaxMessageCharacters = 12, MaxTotalCharacters = 20 });
        var json = await AIFunctionFactory.Create(() => "0123456789abc", "fetch").InvokeAsync(new AIFunctionArguments(), Ct);

        var text = await Assert.ThrowsAsync<InputValidationException>(() => client.GetResponseAsync([new(ChatRole.User, "Hi"), new(ChatRole.Tool, [new FunctionResultContent("c", "0123456789abc")])], cancellationToken: Ct));
        var fromJson = await Assert.ThrowsAsync<InputValidationException>(() => client.GetResponseAsync([new(ChatRole.User, "Hi"), new(ChatRole.Tool, [new FunctionResultContent("c", json)])], cancellationToken: Ct));
        var total = await Assert.ThrowsAsync<InputValidationException>(() => client.GetResponseAsync(
            [new(ChatRole.User, "Hi"), new(ChatRole.Tool, [new FunctionResultContent("a", "0123456789")]), new(ChatRole.Tool, [new FunctionResultContent("b", "0123456789")])], cancellationToken: Ct));

        Assert.Equal("Message 1 (tool) has 13 characters; Llm:InputValidation:MaxMessageCharacters is 12.", text.Message[..text.Message.IndexOf(" (Parameter", StringComparison.Ordinal)]);
        Assert.Equal(("MaxMessageCharacters", 15L, 1), (fromJson.Limit, fromJson.ActualValue, fromJson.MessageIndex));
        Assert.Equal(("MaxTotalCharacters", 22L), (total.Limit, total.ActualValue));
        Assert.Equal(0, inner.CallCount);
    }

    [Fact]
    public async Task GetResponseAsync_ValidRequest_PassesThrough()
    {
        var inner = TestChatClient.Answering("fine");
        using var client = new InputValidationChatClient(inner);

        var response = await client.GetResponseAsync([new(ChatRole.System, "Be brief.\n\tThanks."), new(ChatRole.User, "Hi 👋")], cancellationToken: Ct);

        Assert.Equal("fine", response.Text);
    }

    [Fact]
    public async Task GetResponseAsync_ToolCallOnlyMessage_IsNotEmpty()
    {
        using var client = new InputValidationChatClient(TestChatClient.Answering("fine"));

        var response = await client.GetResponseAsync([new(ChatRole.User, "q"), new(ChatRole.Assistant, [new FunctionCallContent("c", "f")]), new(ChatRole.Tool, [new FunctionResultContent("c", "r")])], cancellationToken: Ct);

        Assert.Equal("fine", response.Text);
    }

    [Fact]
    public async Task GetResponseAsync_NullMessage_IsRejected()
    {
        using var client = new InputValidationChatClient(TestChatClient.Answering("x"));

        var ex = await Assert.ThrowsAsync<InputValidationException>(() => client.GetResponseAsync([null!], cancellationToken: Ct));

        Assert.Equal("Message 0 is null. (Parameter 'messages')", ex.Message);
    }

    [Fact]
    public async Task GetResponseAsync_NoMessages_IsRejected()
    {
        using var client = new InputValidationChatClient(TestChatClient.Answering("x"));

        var ex = await Assert.ThrowsAsync<InputValidationException>(() => client.GetResponseAsync([], cancellationToken: Ct));

        Assert.Equal("The request has no messages. (Parameter 'messages')", ex.Message);
        Assert.Equal("Messages", ex.Limit);
    }

    [Fact]
    public async Task GetResponseAsync_UnpairedSurrogate_IsAControlCharacter()
    {
        using var client = new InputValidationChatClient(TestChatClient.Answering("x"));

        var ex = await Assert.ThrowsAsync<InputValidationException>(() => client.GetResponseAsync("bad \uD800 text", cancellationToken: Ct));

        Assert.Equal(0xD800, ex.ActualValue);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_BrokenLimit_ThrowsOnFirstMoveAndNeverCalls()
    {
        var inner = TestChatClient.Answering("never");
        using var client = new InputValidationChatClient(inner, new InputValidationOptions { MaxMessageCharacters = 1 });

        await Assert.ThrowsAsync<InputValidationException>(async () => await client.GetStreamingResponseAsync("too long", cancellationToken: Ct).ToListAsync(Ct));

        Assert.Equal(0, inner.CallCount);
    }

    [Fact]
    public void Constructor_InvalidOptions_NamesTheKeys()
    {
        var options = new InputValidationOptions { MaxMessages = 0, MaxMessageTokens = 0, AllowedRoles = ["user", " "] };

        var ex = Assert.Throws<ArgumentException>(() => new InputValidationChatClient(TestChatClient.Answering("x"), options));

        Assert.Equal("Llm:InputValidation:MaxMessages must be between 1 and 1000000 (was 0). Llm:InputValidation:MaxMessageTokens must be between 1 and 2147483647 (was 0). Llm:InputValidation:AllowedRoles:1 must name a role. (Parameter 'options')", ex.Message);
    }

    [Fact]
    public async Task PublicEntryPoints_NullArguments_Throw()
    {
        Assert.Throws<ArgumentNullException>(() => new InputValidationChatClient(null!));
        using var client = new InputValidationChatClient(TestChatClient.Answering("x"));
        await Assert.ThrowsAsync<ArgumentNullException>(() => client.GetResponseAsync((IEnumerable<ChatMessage>)null!, cancellationToken: Ct));
        Assert.Throws<ArgumentNullException>(() => client.GetStreamingResponseAsync(null!, cancellationToken: Ct));
    }

    [Fact]
    public void Options_Defaults_AreDocumentedValues()
    {
        var o = new InputValidationOptions();

        Assert.Equal((500, 200_000, 1_000_000, (int?)null, (int?)null, (string?)null), (o.MaxMessages, o.MaxMessageCharacters, o.MaxTotalCharacters, o.MaxMessageTokens, o.MaxTotalTokens, o.TokenizerModel));
        Assert.Empty(o.AllowedRoles);
        Assert.Equal(["system", "user", "assistant", "tool"], InputValidationOptions.StandardRoles);
        Assert.True(o.RejectEmptyMessages);
        Assert.True(o.RejectControlCharacters);
        Assert.Equal((20_971_520, 52_428_800), (o.MaxAttachmentBytes, o.MaxTotalAttachmentBytes));
    }
}
