using System.Text.Json;

namespace LlmFallback.Gemini.Tests;

public partial class GeminiChatClientTests
{
    private static TContent From<TContent>(string family, TContent content)
        where TContent : AIContent
    {
        content.SetOrigin(family);
        return content;
    }

    private static JsonElement Parts(ReceivedRequest request, int turn) => request.Json.GetProperty("contents")[turn].GetProperty("parts");

    [Fact]
    public async Task GetResponseAsync_AnthropicToolLoop_SendsNoForeignSignatureAndThePlaceholderOnTheCall()
    {
        _server.EnqueueJson(200, GeminiWireJson.Text("It is sunny."));
        List<ChatMessage> history =
        [
            new(ChatRole.User, "Weather in Paris?"),
            new(ChatRole.Assistant, [From("anthropic", new TextReasoningContent("Use the tool.") { ProtectedData = "anthropic-signature" }), From("anthropic", new FunctionCallContent("toolu_01A", "get_weather", new Dictionary<string, object?> { ["city"] = "Paris" }))]),
            new(ChatRole.Tool, [new FunctionResultContent("toolu_01A", "sunny")]),
        ];

        await Client("gemini-3-flash-preview").GetResponseAsync(history, cancellationToken: Ct);

        var body = Assert.Single(_server.Requests).Body;
        Assert.DoesNotContain("anthropic-signature", body, StringComparison.Ordinal);
        Assert.DoesNotContain("Use the tool.", body, StringComparison.Ordinal);
        var call = Assert.Single(Parts(_server.Requests[0], 1).EnumerateArray());
        Assert.Equal(GeminiChatClient.ThoughtSignaturePlaceholder, call.GetProperty("thoughtSignature").GetString());
        Assert.Equal("toolu_01A", call.GetProperty("functionCall").GetProperty("id").GetString());
        var response = Parts(_server.Requests[0], 2)[0].GetProperty("functionResponse");
        Assert.Equal("toolu_01A", response.GetProperty("id").GetString());
        Assert.Equal("get_weather", response.GetProperty("name").GetString());
    }

    [Fact]
    public async Task GetResponseAsync_OwnCallsAfterTheirRoundTrip_KeepTheirSignaturesAndGetNoPlaceholder()
    {
        _server.EnqueueJson(200, GeminiWireJson.Response([GeminiWireJson.FunctionCallPart("get_weather", """{"city":"Paris"}""").Signed("sig-1"), GeminiWireJson.FunctionCallPart("get_time", "{}")], "STOP", null));
        _server.EnqueueJson(200, GeminiWireJson.Text("Sunny, noon."));
        var client = Client("gemini-3-flash-preview");
        List<ChatMessage> conversation = [new(ChatRole.User, "Weather and time?")];

        var first = await client.GetResponseAsync(conversation, cancellationToken: Ct);
        var calls = first.Messages[0].Contents.OfType<FunctionCallContent>().ToList();
        Assert.All(calls, c => Assert.Equal(LlmProviderFamily.Gemini, c.GetOrigin()));
        conversation.AddRange(first.Messages);
        conversation.Add(new ChatMessage(ChatRole.Tool, [new FunctionResultContent(calls[0].CallId, "sunny"), new FunctionResultContent(calls[1].CallId, "noon")]));
        await client.GetResponseAsync(conversation, cancellationToken: Ct);

        var parts = Parts(_server.Requests[1], 1);
        Assert.Equal("sig-1", parts[0].GetProperty("thoughtSignature").GetString());
        Assert.False(parts[1].TryGetProperty("thoughtSignature", out _));
        Assert.Equal(2, Parts(_server.Requests[1], 2).GetArrayLength());
    }

    [Fact]
    public async Task GetStreamingResponseAsync_EmptyTextSignaturePart_SurvivesToChatResponseAndTheNextTurn()
    {
        _server.EnqueueSse(Delta("Hello"), Delta(" world"), GeminiWireJson.Response([GeminiWireJson.TextPart(string.Empty).Signed("final-sig")], "STOP", GeminiWireJson.Usage(11, 2)));
        _server.EnqueueJson(200, GeminiWireJson.Text("Again."));
        var client = Client("gemini-3-flash-preview");
        List<ChatMessage> conversation = [new(ChatRole.User, "Greet")];

        var response = (await StreamAsync(client, "Greet")).ToChatResponse();
        conversation.AddRange(response.Messages);
        conversation.Add(new ChatMessage(ChatRole.User, "Once more"));
        await client.GetResponseAsync(conversation, cancellationToken: Ct);

        Assert.Equal("Hello world", response.Text);
        var carrier = Assert.Single(response.Messages[0].Contents.OfType<TextReasoningContent>());
        Assert.Equal("final-sig", carrier.ProtectedData);
        var parts = Parts(_server.Requests[1], 1);
        Assert.Equal("Hello world", parts[0].GetProperty("text").GetString());
        Assert.Equal(string.Empty, parts[1].GetProperty("text").GetString());
        Assert.Equal("final-sig", parts[1].GetProperty("thoughtSignature").GetString());
        Assert.False(parts[1].TryGetProperty("thought", out _));
    }

    [Fact]
    public async Task GetStreamingResponseAsync_SignatureOnALaterTextChunk_IsKeptThroughCoalescing()
    {
        _server.EnqueueSse(Delta("Hel"), GeminiWireJson.Response([GeminiWireJson.TextPart("lo").Signed("late-sig")], "STOP", GeminiWireJson.Usage(11, 2)));

        var response = (await StreamAsync(Client("gemini-3-flash-preview"))).ToChatResponse();

        Assert.Equal("Hello", response.Text);
        Assert.Equal("late-sig", Assert.Single(response.Messages[0].Contents.OfType<TextReasoningContent>()).ProtectedData);
    }

    [Fact]
    public async Task GetResponseAsync_ToolResultWithAnImage_SendsItAsFunctionResponseParts()
    {
        _server.EnqueueJson(200, GeminiWireJson.Text("A violin."));
        byte[] png = [137, 80, 78, 71];
        List<ChatMessage> history =
        [
            new(ChatRole.User, "What instrument?"),
            new(ChatRole.Assistant, [new FunctionCallContent("c1", "get_image")]),
            new(ChatRole.Tool, [new FunctionResultContent("c1", new List<AIContent> { new TextContent("The photo."), new DataContent(png, "image/png") { Name = "instrument.png" } })]),
        ];

        await Client().GetResponseAsync(history, cancellationToken: Ct);

        var response = Parts(_server.Requests[0], 2)[0].GetProperty("functionResponse");
        Assert.Equal("The photo.", response.GetProperty("response").GetProperty("output").GetString());
        var blob = Assert.Single(response.GetProperty("parts").EnumerateArray()).GetProperty("inlineData");
        Assert.Equal("image/png", blob.GetProperty("mimeType").GetString());
        Assert.Equal(Convert.ToBase64String(png), blob.GetProperty("data").GetString());
        Assert.Equal("instrument.png", blob.GetProperty("displayName").GetString());
        Assert.DoesNotContain("base64", _server.Requests[0].Body, StringComparison.Ordinal);
    }
}
