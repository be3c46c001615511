using System.Text.Json;

namespace LlmFallback.Tests.Pii;

/// <summary>Tool results and arguments in every shape a provider adapter serialises: JSON names and numbers, contents, objects.</summary>
public class PiiRedactionChatClientToolContentTests
{
    private const string Email = "jane.roe@example.com";
    private const string Card = "4111111111111111";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task GetResponseAsync_JsonPropertyNamesAndNumbers_AreRedacted()
    {
        // An AIFunctionFactory function returning a dictionary keyed by address, and a card held as a number.
        var lookup = AIFunctionFactory.Create(() => new Dictionary<string, object> { [Email] = new { Tier = "gold", CardNumber = 4111111111111111L } }, "lookup");
        var toolResult = await lookup.InvokeAsync(new AIFunctionArguments(), Ct);
        var arguments = JsonSerializer.Deserialize<Dictionary<string, object?>>($$"""{"byEmail":{"{{Email}}":1},"card":{{Card}}}""")!;
        var inner = TestChatClient.Answering("ok");
        using var client = new PiiRedactionChatClient(inner);

        await client.GetResponseAsync(
            [new ChatMessage(ChatRole.User, "hi"), new ChatMessage(ChatRole.Assistant, [new FunctionCallContent("c1", "lookup", arguments)]), new ChatMessage(ChatRole.Tool, [new FunctionResultContent("c1", toolResult)])],
            cancellationToken: Ct);

        var sent = Serialized(inner.Calls[0].Messages);
        Assert.DoesNotContain(Email, sent, StringComparison.Ordinal);
        Assert.DoesNotContain(Card, sent, StringComparison.Ordinal);
        var result = (JsonElement)((FunctionResultContent)inner.Calls[0].Messages[2].Contents[0]).Result!;
        Assert.Equal("""{"[EMAIL]":{"tier":"gold","cardNumber":"[CREDIT_CARD]"}}""", result.GetRawText());
    }

    [Fact]
    public async Task GetResponseAsync_PseudonymInAJsonPropertyName_IsRestored()
    {
        var arguments = JsonSerializer.Deserialize<Dictionary<string, object?>>("""{"scores":{"<EMAIL_1>":3}}""")!;
        var answer = new ChatMessage(ChatRole.Assistant, [new FunctionCallContent("c1", "rank", arguments)]);
        var inner = new TestChatClient { OnGetResponse = (_, _, _) => Task.FromResult(new ChatResponse(answer)) };
        using var client = new PiiRedactionChatClient(inner, new PiiRedactionOptions { DefaultAction = PiiAction.Pseudonymise });

        var response = await client.GetResponseAsync($"I am {Email}", cancellationToken: Ct);

        var restored = response.Messages[0].Contents.OfType<FunctionCallContent>().Single().Arguments!;
        Assert.Equal(3, ((JsonElement)restored["scores"]!).GetProperty(Email).GetInt32());
    }

    public static TheoryData<object> NonJsonResults() => new()
    {
        // A function returning contents (passed through as they are), and results a manual tool loop builds.
        new TextContent($"Found {Email}"),
        new List<AIContent> { new TextContent("Found:"), new TextContent(Email) },
        new Dictionary<string, object?> { ["email"] = Email, ["cards"] = new[] { Card } },
        new Customer(Email, Card),
    };

    [Theory]
    [MemberData(nameof(NonJsonResults))]
    public async Task GetResponseAsync_ToolResultOfAnotherType_IsRedactedBeforeTheAdapterSerialisesIt(object toolResult)
    {
        var inner = TestChatClient.Answering("ok");
        using var client = new PiiRedactionChatClient(inner);

        await client.GetResponseAsync([new ChatMessage(ChatRole.User, "hi"), new ChatMessage(ChatRole.Tool, [new FunctionResultContent("c1", toolResult)])], cancellationToken: Ct);

        var sent = Serialized(inner.Calls[0].Messages);
        Assert.DoesNotContain(Email, sent, StringComparison.Ordinal);
        Assert.DoesNotContain(Card, sent, StringComparison.Ordinal);
        Assert.Contains("[EMAIL]", sent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetResponseAsync_ToolArgumentOfAnotherType_IsRedacted()
    {
        var arguments = new Dictionary<string, object?> { ["to"] = new[] { Email }, ["customer"] = new Customer(Email, Card), ["n"] = 3 };
        var inner = TestChatClient.Answering("ok");
        using var client = new PiiRedactionChatClient(inner);

        await client.GetResponseAsync([new ChatMessage(ChatRole.User, "hi"), new ChatMessage(ChatRole.Assistant, [new FunctionCallContent("c1", "send", arguments)])], cancellationToken: Ct);

        var sent = Serialized(inner.Calls[0].Messages);
        Assert.DoesNotContain(Email, sent, StringComparison.Ordinal);
        Assert.DoesNotContain(Card, sent, StringComparison.Ordinal);
        Assert.Equal(3, ((FunctionCallContent)inner.Calls[0].Messages[1].Contents[0]).Arguments!["n"]);
    }

    [Fact]
    public async Task GetResponseAsync_PseudonymInAToolResultContent_IsRestoredInTheAnswer()
    {
        // Output side: a content result in the answer (a hosted tool's) is restored like text.
        var answer = new ChatMessage(ChatRole.Assistant, [new FunctionResultContent("c1", new TextContent("Sent to <EMAIL_1>"))]);
        var inner = new TestChatClient { OnGetResponse = (_, _, _) => Task.FromResult(new ChatResponse(answer)) };
        using var client = new PiiRedactionChatClient(inner, new PiiRedactionOptions { DefaultAction = PiiAction.Pseudonymise });

        var response = await client.GetResponseAsync($"I am {Email}", cancellationToken: Ct);

        var result = response.Messages[0].Contents.OfType<FunctionResultContent>().Single().Result;
        Assert.Equal($"Sent to {Email}", Assert.IsType<TextContent>(result).Text);
    }

    [Fact]
    public async Task GetResponseAsync_FileNameAndErrorContent_AreRedacted()
    {
        // OpenAI's adapter sends a file's name with it; an error content carries its message and details.
        var file = new DataContent(new byte[] { 1, 2, 3 }, "application/pdf") { Name = $"card {Card} statement.pdf" };
        var error = new ErrorContent($"No account for {Email}") { Details = $"card {Card}", ErrorCode = "E1" };
        var inner = TestChatClient.Answering("ok");
        using var client = new PiiRedactionChatClient(inner);

        await client.GetResponseAsync([new ChatMessage(ChatRole.User, [new TextContent("read this"), file, error])], cancellationToken: Ct);

        var sent = inner.Calls[0].Messages[0].Contents;
        Assert.Equal("card [CREDIT_CARD] statement.pdf", Assert.IsType<DataContent>(sent[1]).Name);
        Assert.Equal(file.Data.ToArray(), ((DataContent)sent[1]).Data.ToArray());
        var sentError = Assert.IsType<ErrorContent>(sent[2]);
        Assert.Equal(("No account for [EMAIL]", "card [CREDIT_CARD]", "E1"), (sentError.Message, sentError.Details, sentError.ErrorCode));
        Assert.Equal($"card {Card} statement.pdf", file.Name);
    }

    [Fact]
    public async Task GetResponseAsync_PseudonymInAnErrorContent_IsRestored()
    {
        var answer = new ChatMessage(ChatRole.Assistant, [new ErrorContent("Could not mail <EMAIL_1>")]);
        var inner = new TestChatClient { OnGetResponse = (_, _, _) => Task.FromResult(new ChatResponse(answer)) };
        using var client = new PiiRedactionChatClient(inner, new PiiRedactionOptions { DefaultAction = PiiAction.Pseudonymise });

        var response = await client.GetResponseAsync($"I am {Email}", cancellationToken: Ct);

        Assert.Equal($"Could not mail {Email}", response.Messages[0].Contents.OfType<ErrorContent>().Single().Message);
    }

    /// <summary>What an adapter sends: the messages as the default AI serialiser writes them.</summary>
    private static string Serialized(IList<ChatMessage> messages) =>
        JsonSerializer.Serialize(messages, AIJsonUtilities.DefaultOptions);

    public sealed record Customer(string Email, string CardNumber);
}
