using System.Text.Json;
using Microsoft.Extensions.Time.Testing;

namespace LlmFallback.Tests.Pii;

public class PiiRedactionChatClientTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private const string Email = "jane.roe@example.com";
    private const string Card = "4111 1111 1111 1111";

    [Fact]
    public async Task GetResponseAsync_NoPii_PassesTheSameMessages()
    {
        var inner = TestChatClient.Answering("ok");
        IEnumerable<ChatMessage> messages = [new(ChatRole.User, "Nothing personal here.")];
        using var client = new PiiRedactionChatClient(inner);

        var response = await client.GetResponseAsync(messages, cancellationToken: Ct);

        Assert.Same(messages.First(), inner.Calls[0].Messages[0]);
        Assert.Null(response.GetLlmSafetyReport());
    }

    [Theory]
    [InlineData(PiiAction.Redact, "Mail [EMAIL] or pay with [CREDIT_CARD].")]
    [InlineData(PiiAction.Mask, "Mail ****.***@******e.com or pay with **** **** **** 1111.")]
    [InlineData(PiiAction.Pseudonymise, "Mail <EMAIL_1> or pay with <CREDIT_CARD_1>.")]
    [InlineData(PiiAction.Warn, "Mail jane.roe@example.com or pay with 4111 1111 1111 1111.")]
    [InlineData(PiiAction.Allow, "Mail jane.roe@example.com or pay with 4111 1111 1111 1111.")]
    public async Task GetResponseAsync_Action_RewritesWhatTheModelSees(PiiAction action, string expected)
    {
        var inner = TestChatClient.Answering("ok");
        using var client = new PiiRedactionChatClient(inner, new PiiRedactionOptions { DefaultAction = action });

        var response = await client.GetResponseAsync($"Mail {Email} or pay with {Card}.", cancellationToken: Ct);

        Assert.Equal(expected, inner.Calls[0].Messages[0].Text);
        var report = response.GetLlmSafetyReport();
        if (action == PiiAction.Allow)
        {
            Assert.Null(report);
        }
        else
        {
            Assert.NotNull(report);
            Assert.Equal(1, report.GetPiiCount(PiiEntityTypes.Email));
            Assert.Contains(new PiiActionCount(PiiEntityTypes.CreditCard, action, LlmContentSide.Input, 1), report.Pii);
        }
    }

    [Fact]
    public async Task GetResponseAsync_Reject_ThrowsNamingTypesNotValuesAndNeverCalls()
    {
        var inner = TestChatClient.Answering("ok");
        var audit = new RecordingAuditSink();
        using var client = new PiiRedactionChatClient(inner, new PiiRedactionOptions { Actions = { ["CreditCard"] = PiiAction.Reject } }, auditSink: audit);

        var ex = await Assert.ThrowsAsync<PiiDetectedException>(() => client.GetResponseAsync($"Pay with {Card}, mail {Email}.", cancellationToken: Ct));

        Assert.Equal(0, inner.CallCount);
        Assert.Equal(LlmContentSide.Input, ex.Side);
        Assert.Equal(["CreditCard"], ex.EntityTypes);
        Assert.Equal("The request holds personal data that may not be sent to a model: CreditCard.", ex.Message);
        Assert.DoesNotContain("4111", ex.ToString(), StringComparison.Ordinal);
        Assert.Contains(audit.Events, e => e.Kind == LlmAuditEventKind.PiiDetected && e.Action == "reject" && e.Counts!["CreditCard"] == 1);
    }

    [Fact]
    public async Task GetResponseAsync_Pseudonymise_RestoresValuesInTheAnswerAndToolArguments()
    {
        var inner = new TestChatClient
        {
            OnGetResponse = (messages, _, _) =>
            {
                var text = messages.First().Text;
                Assert.Equal("Write to <EMAIL_1>, then <EMAIL_2>, then <EMAIL_1> again.", text);
                var answer = new ChatMessage(ChatRole.Assistant, "I wrote to <EMAIL_2> and <EMAIL_1>.");
                answer.Contents.Add(new FunctionCallContent("c1", "send", new Dictionary<string, object?> { ["to"] = "<EMAIL_1>" }));
                return Task.FromResult(new ChatResponse(answer));
            },
        };
        using var client = new PiiRedactionChatClient(inner, new PiiRedactionOptions { DefaultAction = PiiAction.Pseudonymise });

        var response = await client.GetResponseAsync($"Write to {Email}, then bob@example.org, then {Email} again.", cancellationToken: Ct);

        Assert.Equal($"I wrote to bob@example.org and {Email}.", response.Text);
        var call = response.Messages[0].Contents.OfType<FunctionCallContent>().Single();
        Assert.Equal(Email, call.Arguments!["to"]);
    }

    [Fact]
    public async Task GetResponseAsync_ConversationReplayedInOrder_KeepsPseudonymNumbers()
    {
        var seen = new List<string>();
        var inner = new TestChatClient
        {
            OnGetResponse = (messages, _, _) =>
            {
                seen.Add(string.Join(" | ", messages.Select(m => m.Text)));
                return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "Noted <EMAIL_1>.")));
            },
        };
        using var client = new PiiRedactionChatClient(inner, new PiiRedactionOptions { DefaultAction = PiiAction.Pseudonymise });
        List<ChatMessage> conversation = [new(ChatRole.User, $"I am {Email}.")];

        var first = await client.GetResponseAsync(conversation, cancellationToken: Ct);
        conversation.AddRange(first.Messages);
        conversation.Add(new ChatMessage(ChatRole.User, "Also reach me at bob@example.org."));
        await client.GetResponseAsync(conversation, cancellationToken: Ct);

        Assert.Equal($"Noted {Email}.", first.Text);
        Assert.Equal("I am <EMAIL_1>. | Noted <EMAIL_1>. | Also reach me at <EMAIL_2>.", seen[1]);
    }

    [Fact]
    public async Task GetResponseAsync_ApplyToOutput_RedactsNewValuesButNotTheCallersOwn()
    {
        var inner = TestChatClient.Answering($"Your address <EMAIL_1> is on file; support is help@example.net, card {Card}.");
        using var client = new PiiRedactionChatClient(inner, new PiiRedactionOptions { DefaultAction = PiiAction.Pseudonymise, ApplyToOutput = true, Actions = { ["CreditCard"] = PiiAction.Redact } });

        var response = await client.GetResponseAsync($"Is {Email} on file?", cancellationToken: Ct);

        Assert.Equal($"Your address {Email} is on file; support is <EMAIL_2>, card [CREDIT_CARD].", response.Text);
        var report = response.GetLlmSafetyReport()!;
        Assert.Contains(new PiiActionCount("Email", PiiAction.Pseudonymise, LlmContentSide.Output, 1), report.Pii);
        Assert.Contains(new PiiActionCount("CreditCard", PiiAction.Redact, LlmContentSide.Output, 1), report.Pii);
    }

    [Fact]
    public async Task GetResponseAsync_OutputRejected_ThrowsForTheOutputSide()
    {
        var inner = TestChatClient.Answering($"The card is {Card}.");
        using var client = new PiiRedactionChatClient(inner, new PiiRedactionOptions { ApplyToOutput = true, Actions = { ["CreditCard"] = PiiAction.Reject } });

        var ex = await Assert.ThrowsAsync<PiiDetectedException>(() => client.GetResponseAsync("What is on file?", cancellationToken: Ct));

        Assert.Equal(LlmContentSide.Output, ex.Side);
        Assert.Equal("The answer holds personal data that may not be returned: CreditCard.", ex.Message);
    }

    [Fact]
    public async Task GetResponseAsync_WithLlmCallInfo_AnnotatesIt()
    {
        var info = new LlmCallInfo("primary", "m", TimeSpan.Zero);
        var inner = new TestChatClient { OnGetResponse = (_, _, _) => Task.FromResult(WithInfo(new ChatResponse(new ChatMessage(ChatRole.Assistant, "ok")), info)) };
        using var client = new PiiRedactionChatClient(inner);

        var response = await client.GetResponseAsync($"Mail {Email}.", cancellationToken: Ct);

        Assert.Same(info.Safety, response.GetLlmSafetyReport());
        Assert.Equal(1, info.Safety!.GetPiiCount("Email"));
        Assert.False(response.AdditionalProperties!.ContainsKey(LlmSafetyReport.AdditionalPropertiesKey));
    }

    [Fact]
    public async Task GetResponseAsync_Audit_RecordsTypesAndCountsWithTheUser()
    {
        var audit = new RecordingAuditSink();
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero));
        using var client = new PiiRedactionChatClient(TestChatClient.Answering("ok"), auditSink: audit, timeProvider: time);

        await client.GetResponseAsync([new ChatMessage(ChatRole.User, $"{Email} and {Email}")], new ChatOptions().WithUser("u1").WithTenant("t1"), cancellationToken: Ct);

        var e = Assert.Single(audit.Events);
        Assert.Equal((LlmAuditEventKind.PiiDetected, "pii", "input", "redact", "u1", "t1", time.GetUtcNow()), (e.Kind, e.Stage, e.Direction, e.Action, e.User, e.Tenant, e.Timestamp));
        Assert.Equal(2, e.Counts!["Email"]);
    }

    [Fact]
    public async Task GetResponseAsync_ToolResultsAndArguments_AreRedacted()
    {
        var inner = TestChatClient.Answering("ok");
        using var client = new PiiRedactionChatClient(inner);
        var call = new ChatMessage(ChatRole.Assistant, [new FunctionCallContent("c1", "lookup", new Dictionary<string, object?> { ["email"] = Email, ["n"] = 3 })]);
        var result = new ChatMessage(ChatRole.Tool, [new FunctionResultContent("c1", $"Found {Card}")]);

        await client.GetResponseAsync([new ChatMessage(ChatRole.User, "hi"), call, result], cancellationToken: Ct);

        var sent = inner.Calls[0].Messages;
        Assert.Equal("[EMAIL]", ((FunctionCallContent)sent[1].Contents[0]).Arguments!["email"]);
        Assert.Equal(3, ((FunctionCallContent)sent[1].Contents[0]).Arguments!["n"]);
        Assert.Equal("Found [CREDIT_CARD]", ((FunctionResultContent)sent[2].Contents[0]).Result);
        Assert.Same(call.Contents, call.Contents);
        Assert.Equal(Email, ((FunctionCallContent)call.Contents[0]).Arguments!["email"]);
    }

    [Fact]
    public async Task GetResponseAsync_JsonToolResultsAndArguments_AreRedactedAtAnyDepth()
    {
        // AIFunctionFactory functions return JsonElement results; provider adapters parse arguments into JsonElements.
        var inner = TestChatClient.Answering("ok");
        using var client = new PiiRedactionChatClient(inner);
        var lookup = AIFunctionFactory.Create(() => $"Found {Card}", "lookup");
        var toolResult = await lookup.InvokeAsync(new AIFunctionArguments(), Ct);
        var arguments = JsonSerializer.Deserialize<Dictionary<string, object?>>($$$"""{"email":"{{{Email}}}","n":3,"customer":{"cards":["{{{Card}}}","none"],"id":7}}""")!;
        var call = new ChatMessage(ChatRole.Assistant, [new FunctionCallContent("c1", "lookup", arguments)]);
        var result = new ChatMessage(ChatRole.Tool, [new FunctionResultContent("c1", toolResult)]);

        await client.GetResponseAsync([new ChatMessage(ChatRole.User, "hi"), call, result], cancellationToken: Ct);

        var sent = inner.Calls[0].Messages;
        var sentArguments = ((FunctionCallContent)sent[1].Contents[0]).Arguments!;
        Assert.Equal("[EMAIL]", ((JsonElement)sentArguments["email"]!).GetString());
        Assert.Equal("""{"cards":["[CREDIT_CARD]","none"],"id":7}""", ((JsonElement)sentArguments["customer"]!).GetRawText());
        Assert.Equal(3, ((JsonElement)sentArguments["n"]!).GetInt32());
        Assert.Equal("Found [CREDIT_CARD]", ((JsonElement)((FunctionResultContent)sent[2].Contents[0]).Result!).GetString());
        Assert.Equal(Email, ((JsonElement)arguments["email"]!).GetString());
    }

    [Fact]
    public async Task GetResponseAsync_PseudonymsInJsonToolArguments_AreRestored()
    {
        var arguments = JsonSerializer.Deserialize<Dictionary<string, object?>>("""{"to":"<EMAIL_1>","cc":["<EMAIL_1>"]}""")!;
        var answer = new ChatMessage(ChatRole.Assistant, [new FunctionCallContent("c1", "send", arguments)]);
        var inner = new TestChatClient { OnGetResponse = (_, _, _) => Task.FromResult(new ChatResponse(answer)) };
        using var client = new PiiRedactionChatClient(inner, new PiiRedactionOptions { DefaultAction = PiiAction.Pseudonymise });

        var response = await client.GetResponseAsync($"I am {Email}", cancellationToken: Ct);

        var restored = response.Messages[0].Contents.OfType<FunctionCallContent>().Single().Arguments!;
        Assert.Equal(Email, ((JsonElement)restored["to"]!).GetString());
        Assert.Equal(Email, ((JsonElement)restored["cc"]!)[0].GetString());
    }

    [Fact]
    public void Constructor_InvalidOptions_NamesTheKeys()
    {
        var options = new PiiRedactionOptions { DefaultAction = (PiiAction)42, MaskKeepLast = -1, MaskCharacter = 'x', MaxConversations = 0, Detection = null! };

        var ex = Assert.Throws<ArgumentException>(() => new PiiRedactionChatClient(TestChatClient.Answering("ok"), options));

        Assert.Equal(
            "Llm:Pii:DefaultAction has an unknown value '42'; expected one of: Redact, Mask, Pseudonymise, Reject, Warn, Allow. Llm:Pii:MaskKeepLast must be between 0 and 64 (was -1). Llm:Pii:MaxConversations must be between 1 and 10000000 (was 0). Llm:Pii:MaskCharacter must not be a letter, a digit or a control character. Llm:Pii:Detection must not be null. (Parameter 'options')",
            ex.Message);
    }

    [Fact]
    public async Task PublicEntryPoints_NullArguments_Throw()
    {
        using var client = new PiiRedactionChatClient(TestChatClient.Answering("ok"));
        Assert.Throws<ArgumentNullException>(() => new PiiRedactionChatClient(null!));
        await Assert.ThrowsAsync<ArgumentNullException>(() => client.GetResponseAsync((IEnumerable<ChatMessage>)null!, cancellationToken: Ct));
        Assert.Throws<ArgumentNullException>(() => client.GetStreamingResponseAsync(null!, cancellationToken: Ct));
        Assert.Throws<ArgumentNullException>(() => client.GetService(null!));
        Assert.Same(client.GetService(typeof(PiiDetector)), client.GetService(typeof(PiiDetector)));
    }

    [Fact]
    public void Options_Defaults_AreDocumentedValues()
    {
        var options = new PiiRedactionOptions();

        Assert.Equal(PiiAction.Redact, options.DefaultAction);
        Assert.Empty(options.Actions);
        Assert.False(options.ApplyToOutput);
        Assert.Equal('*', options.MaskCharacter);
        Assert.Equal(4, options.MaskKeepLast);
        Assert.Equal(TimeSpan.FromHours(1), options.ConversationLifetime);
        Assert.Equal(10_000, options.MaxConversations);
        Assert.NotNull(options.Detection);
    }

    internal static ChatResponse WithInfo(ChatResponse response, LlmCallInfo info)
    {
        (response.AdditionalProperties ??= [])[LlmCallInfo.AdditionalPropertiesKey] = info;
        return response;
    }
}
