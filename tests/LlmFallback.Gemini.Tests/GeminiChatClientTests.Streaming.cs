namespace LlmFallback.Gemini.Tests;

public partial class GeminiChatClientTests
{
    private static string Delta(string text) => GeminiWireJson.Response([GeminiWireJson.TextPart(text)], null, GeminiWireJson.Usage(11, 1));

    private async Task<List<ChatResponseUpdate>> StreamAsync(GeminiChatClient client, string prompt = "Say hi")
    {
        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in client.GetStreamingResponseAsync(prompt, cancellationToken: Ct))
        {
            updates.Add(update);
        }

        return updates;
    }

    [Fact]
    public async Task GetStreamingResponseAsync_Chunks_StreamTextThenOneFinishWithUsage()
    {
        _server.EnqueueSse(Delta("Hel"), Delta("lo"), GeminiWireJson.Response([GeminiWireJson.TextPart("!")], "STOP", GeminiWireJson.Usage(11, 7)));

        var updates = await StreamAsync(Client());

        var request = Assert.Single(_server.Requests);
        Assert.Equal("/v1beta/models/gemini-2.5-flash:streamGenerateContent", request.Path);
        Assert.Equal("?alt=sse", request.Query);
        Assert.Equal(Key, request.Headers["x-goog-api-key"]);
        Assert.Equal("Hello!", string.Concat(updates.Select(u => u.Text)));
        Assert.Equal([null, null, ChatFinishReason.Stop], updates.Select(u => u.FinishReason).ToArray());
        var usage = Assert.Single(updates.SelectMany(u => u.Contents).OfType<UsageContent>()).Details;
        Assert.Equal(11, usage.InputTokenCount);
        Assert.Equal(7, usage.OutputTokenCount);
        Assert.All(updates, u => Assert.Equal("resp-1", u.ResponseId));
        Assert.All(updates, u => Assert.Equal(GeminiWireJson.ModelVersion, u.ModelId));

        var response = updates.ToChatResponse();
        Assert.Equal("Hello!", response.Text);
        Assert.Equal(18, response.Usage!.TotalTokenCount);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_EndsWithoutFinishReason_YieldsNoFinish()
    {
        _server.EnqueueSse(Delta("Hel"), Delta("lo"));

        var updates = await StreamAsync(Client());

        Assert.Equal("Hello", string.Concat(updates.Select(u => u.Text)));
        Assert.All(updates, u => Assert.Null(u.FinishReason));
        Assert.Empty(updates.SelectMany(u => u.Contents).OfType<UsageContent>());
    }

    [Fact]
    public async Task GetStreamingResponseAsync_FinishChunk_EndsTheStreamWhateverFollows()
    {
        _server.EnqueueSse(Delta("Hi"), GeminiWireJson.Response([], "STOP", GeminiWireJson.Usage(11, 1)), "{ not json");

        var updates = await StreamAsync(Client());

        Assert.Equal(ChatFinishReason.Stop, updates[^1].FinishReason);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_FunctionCall_YieldsCallAndToolCallsFinish()
    {
        _server.EnqueueSse(GeminiWireJson.Response([GeminiWireJson.FunctionCallPart("get_weather", """{"city":"Paris"}""", id: "call_1")], "STOP", GeminiWireJson.Usage(20, 5)));

        var updates = await StreamAsync(Client());

        var call = Assert.Single(updates.SelectMany(u => u.Contents).OfType<FunctionCallContent>());
        Assert.Equal("call_1", call.CallId);
        Assert.Equal("get_weather", call.Name);
        Assert.Equal(ChatFinishReason.ToolCalls, updates[^1].FinishReason);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_CallThenStopInLaterChunk_IsStillToolCalls()
    {
        _server.EnqueueSse(
            GeminiWireJson.Response([GeminiWireJson.FunctionCallPart("f", "{}")], null, null),
            GeminiWireJson.Response([], "STOP", GeminiWireJson.Usage(20, 5)));

        var updates = await StreamAsync(Client());

        Assert.Equal(ChatFinishReason.ToolCalls, updates[^1].FinishReason);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_MalformedChunk_ThrowsJsonException()
    {
        _server.EnqueueSse(Delta("Hel"), """{"candidates":[{"content": oops""");

        var updates = new List<ChatResponseUpdate>();
        await Assert.ThrowsAnyAsync<System.Text.Json.JsonException>(async () =>
        {
            await foreach (var update in Client().GetStreamingResponseAsync("x", cancellationToken: Ct))
            {
                updates.Add(update);
            }
        });
        Assert.Equal("Hel", Assert.Single(updates).Text);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_MidStreamError_ThrowsClassified()
    {
        _server.EnqueueSse(Delta("Hel"), GeminiWireJson.Error(503, "UNAVAILABLE", GeminiWireJson.OverloadedMessage));

        var ex = await Assert.ThrowsAsync<LlmProviderException>(() => StreamAsync(Client()));

        Assert.Equal(LlmFailureKind.ServerError, ex.Kind);
        Assert.Equal(503, ex.StatusCode);
        Assert.Equal("UNAVAILABLE", ex.ErrorCode);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_SafetyStop_ThrowsContentPolicyInsteadOfAFinish()
    {
        _server.EnqueueSse(Delta("Hel"), GeminiWireJson.Response([], "SAFETY", GeminiWireJson.Usage(11, 2)));

        var ex = await Assert.ThrowsAsync<LlmProviderException>(() => StreamAsync(Client()));

        Assert.Equal(LlmFailureKind.ContentPolicy, ex.Kind);
        Assert.Equal("SAFETY", ex.ErrorCode);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_SafetyStopWithoutThrowing_FinishesWithContentFilter()
    {
        _server.EnqueueSse(Delta("Hel"), GeminiWireJson.Response([], "SAFETY", GeminiWireJson.Usage(11, 2)));

        var updates = await StreamAsync(Client(options: new GeminiOptions { ThrowOnContentFilter = false }));

        Assert.Equal(ChatFinishReason.ContentFilter, updates[^1].FinishReason);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_PromptBlocked_ThrowsContentPolicy()
    {
        _server.EnqueueSse(GeminiWireJson.PromptBlocked("SAFETY"));

        var ex = await Assert.ThrowsAsync<LlmProviderException>(() => StreamAsync(Client()));

        Assert.Equal(LlmFailureKind.ContentPolicy, ex.Kind);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_HttpErrorInArray_ThrowsClassified()
    {
        _server.EnqueueJson(400, "[" + GeminiWireJson.Error(400, "INVALID_ARGUMENT", GeminiWireJson.ContextLengthMessage) + "]");

        var ex = await Assert.ThrowsAsync<LlmProviderException>(() => StreamAsync(Client()));

        Assert.Equal(LlmFailureKind.ContextLengthExceeded, ex.Kind);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_KeepAliveCommentsAndEmptyEvents_AreSkipped()
    {
        _server.Enqueue(async ctx =>
        {
            ctx.Response.ContentType = "text/event-stream";
            await Microsoft.AspNetCore.Http.HttpResponseWritingExtensions.WriteAsync(
                ctx.Response,
                ": keep-alive\n\ndata:\n\ndata: " + Delta("ok") + "\n\ndata: " + GeminiWireJson.Response([], "STOP", null) + "\n\n",
                ctx.RequestAborted);
        });

        var updates = await StreamAsync(Client());

        Assert.Equal("ok", string.Concat(updates.Select(u => u.Text)));
        Assert.Equal(ChatFinishReason.Stop, updates[^1].FinishReason);
    }
}
