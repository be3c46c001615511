using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;

namespace LlmFallback.Gemini.Tests;

public partial class GeminiChatClientTests : IAsyncLifetime
{
    private const string Key = "test-key-5ecret";
    private GeminiTestServer _server = null!;
    private HttpClient _http = null!;

    public async ValueTask InitializeAsync()
    {
        _server = await GeminiTestServer.StartAsync(TestContext.Current.CancellationToken);
        _http = new HttpClient { BaseAddress = _server.BaseAddress };
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
    }

    private GeminiChatClient Client(string? model = "gemini-2.5-flash", GeminiOptions? options = null, TimeProvider? time = null) =>
        new(_http, Key, model, options, "gem", time);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task GetResponseAsync_Text_PostsToGenerateContentWithKeyInHeader()
    {
        _server.EnqueueJson(200, GeminiWireJson.Text("Hi!", inputTokens: 12, outputTokens: 3));

        var response = await Client().GetResponseAsync([new(ChatRole.System, "You are terse."), new(ChatRole.User, "Say hi")], cancellationToken: Ct);

        var request = Assert.Single(_server.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/v1beta/models/gemini-2.5-flash:generateContent", request.Path);
        Assert.Equal(string.Empty, request.Query);
        Assert.Equal(Key, request.Headers["x-goog-api-key"]);
        Assert.StartsWith("application/json", request.Headers["Content-Type"], StringComparison.Ordinal);
        Assert.False(request.Headers.ContainsKey("Authorization"));
        Assert.Equal("You are terse.", request.Json.GetProperty("systemInstruction").GetProperty("parts")[0].GetProperty("text").GetString());

        Assert.Equal("Hi!", response.Text);
        Assert.Equal(ChatRole.Assistant, Assert.Single(response.Messages).Role);
        Assert.Equal(ChatFinishReason.Stop, response.FinishReason);
        Assert.Equal(GeminiWireJson.ModelVersion, response.ModelId);
        Assert.Equal("resp-1", response.ResponseId);
        Assert.Equal(12, response.Usage!.InputTokenCount);
        Assert.Equal(3, response.Usage.OutputTokenCount);
        Assert.Equal(15, response.Usage.TotalTokenCount);
    }

    [Fact]
    public async Task GetResponseAsync_FunctionCall_ReturnsFunctionCallContentAndToolCallsFinish()
    {
        _server.EnqueueJson(200, GeminiWireJson.Response(
            [GeminiWireJson.TextPart("Checking."), GeminiWireJson.FunctionCallPart("get_weather", """{"city":"Paris"}""")],
            "STOP",
            GeminiWireJson.Usage(20, 5)));

        var response = await Client().GetResponseAsync("Weather in Paris?", cancellationToken: Ct);

        var call = Assert.Single(response.Messages[0].Contents.OfType<FunctionCallContent>());
        Assert.Equal("get_weather", call.Name);
        Assert.Equal("Paris", call.Arguments!["city"]!.ToString());
        Assert.StartsWith("gemini_", call.CallId, StringComparison.Ordinal);
        Assert.Equal(ChatFinishReason.ToolCalls, response.FinishReason);
    }

    [Fact]
    public async Task GetResponseAsync_ToolRoundTrip_SendsTheNameOfTheCallWithTheResult()
    {
        _server.EnqueueJson(200, GeminiWireJson.Response([GeminiWireJson.FunctionCallPart("get_weather", """{"city":"Paris"}""")], "STOP", null));
        _server.EnqueueJson(200, GeminiWireJson.Text("It is sunny."));
        var client = Client();
        List<ChatMessage> conversation = [new(ChatRole.User, "Weather in Paris?")];

        var first = await client.GetResponseAsync(conversation, cancellationToken: Ct);
        conversation.AddRange(first.Messages);
        var call = first.Messages[0].Contents.OfType<FunctionCallContent>().Single();
        conversation.Add(new ChatMessage(ChatRole.Tool, [new FunctionResultContent(call.CallId, "sunny")]));
        var second = await client.GetResponseAsync(conversation, cancellationToken: Ct);

        var contents = _server.Requests[1].Json.GetProperty("contents");
        Assert.Equal(3, contents.GetArrayLength());
        Assert.Equal("get_weather", contents[1].GetProperty("parts")[0].GetProperty("functionCall").GetProperty("name").GetString());
        var functionResponse = contents[2].GetProperty("parts")[0].GetProperty("functionResponse");
        Assert.Equal("get_weather", functionResponse.GetProperty("name").GetString());
        Assert.Equal("sunny", functionResponse.GetProperty("response").GetProperty("output").GetString());
        Assert.Equal("It is sunny.", second.Text);
    }

    [Fact]
    public async Task GetResponseAsync_InlineImage_ReturnsDataContent()
    {
        var image = new JsonObject { ["inlineData"] = new JsonObject { ["mimeType"] = "image/png", ["data"] = Convert.ToBase64String([9, 8, 7]) } };
        _server.EnqueueJson(200, GeminiWireJson.Response([GeminiWireJson.TextPart("Here:"), image], "STOP", null));

        var response = await Client().GetResponseAsync("Draw", cancellationToken: Ct);

        var data = Assert.Single(response.Messages[0].Contents.OfType<DataContent>());
        Assert.Equal("image/png", data.MediaType);
        Assert.Equal(new byte[] { 9, 8, 7 }, data.Data.ToArray());
        Assert.Null(response.Usage);
    }

    [Fact]
    public async Task GetResponseAsync_ThoughtsAndSignature_AreKeptForTheNextTurn()
    {
        var thought = new JsonObject { ["text"] = "Let me think.", ["thought"] = true };
        var call = GeminiWireJson.FunctionCallPart("lookup", "{}", id: "fc-1");
        call["thoughtSignature"] = "c2lnbmF0dXJl";
        _server.EnqueueJson(200, GeminiWireJson.Response([thought, call], "STOP", GeminiWireJson.Usage(10, 4, thoughts: 30)));

        var response = await Client().GetResponseAsync("Find it", cancellationToken: Ct);

        Assert.Equal("Let me think.", Assert.Single(response.Messages[0].Contents.OfType<TextReasoningContent>()).Text);
        var functionCall = Assert.Single(response.Messages[0].Contents.OfType<FunctionCallContent>());
        Assert.Equal("fc-1", functionCall.CallId);
        Assert.Equal("c2lnbmF0dXJl", functionCall.AdditionalProperties![GeminiChatClient.ThoughtSignatureKey]);
        Assert.Equal(34, response.Usage!.OutputTokenCount);
        Assert.Equal(30, response.Usage.ReasoningTokenCount);
    }

    [Theory]
    [InlineData("SAFETY")]
    [InlineData("RECITATION")]
    [InlineData("BLOCKLIST")]
    [InlineData("PROHIBITED_CONTENT")]
    [InlineData("SPII")]
    public async Task GetResponseAsync_ContentFilterFinish_ThrowsContentPolicy(string reason)
    {
        _server.EnqueueJson(200, GeminiWireJson.Response([GeminiWireJson.TextPart("partial")], reason, GeminiWireJson.Usage(5, 1)));

        var ex = await Assert.ThrowsAsync<LlmProviderException>(() => Client().GetResponseAsync("x", cancellationToken: Ct));

        Assert.Equal(LlmFailureKind.ContentPolicy, ex.Kind);
        Assert.Equal(reason, ex.ErrorCode);
        Assert.Equal("gem", ex.Provider);
    }

    [Fact]
    public async Task GetResponseAsync_ContentFilterFinishWithoutThrowing_ReturnsContentFilter()
    {
        _server.EnqueueJson(200, GeminiWireJson.Response([GeminiWireJson.TextPart("partial")], "SAFETY", GeminiWireJson.Usage(5, 1)));

        var response = await Client(options: new GeminiOptions { ThrowOnContentFilter = false }).GetResponseAsync("x", cancellationToken: Ct);

        Assert.Equal(ChatFinishReason.ContentFilter, response.FinishReason);
        Assert.Equal("partial", response.Text);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task GetResponseAsync_PromptBlocked_AlwaysThrowsContentPolicy(bool throwOnContentFilter)
    {
        _server.EnqueueJson(200, GeminiWireJson.PromptBlocked("PROHIBITED_CONTENT"));

        var ex = await Assert.ThrowsAsync<LlmProviderException>(
            () => Client(options: new GeminiOptions { ThrowOnContentFilter = throwOnContentFilter }).GetResponseAsync("x", cancellationToken: Ct));

        Assert.Equal(LlmFailureKind.ContentPolicy, ex.Kind);
        Assert.Equal("PROHIBITED_CONTENT", ex.ErrorCode);
    }

    [Fact]
    public async Task GetResponseAsync_NoCandidates_ThrowsInvalidData()
    {
        _server.EnqueueJson(200, """{"usageMetadata":{"promptTokenCount":3},"modelVersion":"gemini-2.5-flash"}""");

        await Assert.ThrowsAsync<InvalidDataException>(() => Client().GetResponseAsync("x", cancellationToken: Ct));
    }

    [Fact]
    public async Task GetResponseAsync_MalformedBody_ThrowsJsonException()
    {
        _server.EnqueueJson(200, """{"candidates":[{"content":""");

        await Assert.ThrowsAnyAsync<System.Text.Json.JsonException>(() => Client().GetResponseAsync("x", cancellationToken: Ct));
    }

    [Fact]
    public async Task GetResponseAsync_RateLimitedWithRetryInfo_ThrowsRateLimitedWithRetryAfter()
    {
        _server.EnqueueJson(429, GeminiWireJson.Error(429, "RESOURCE_EXHAUSTED", GeminiWireJson.QuotaMessage,
            GeminiWireJson.QuotaFailure("GenerateRequestsPerMinutePerProjectPerModel-FreeTier"), GeminiWireJson.Help(), GeminiWireJson.RetryInfo("2s")));

        var ex = await Assert.ThrowsAsync<LlmProviderException>(() => Client().GetResponseAsync("x", cancellationToken: Ct));

        Assert.Equal(LlmFailureKind.RateLimited, ex.Kind);
        Assert.Equal(429, ex.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(2), ex.RetryAfter);
        Assert.Equal("RESOURCE_EXHAUSTED", ex.ErrorCode);
    }

    [Fact]
    public async Task GetResponseAsync_RetryAfterHttpDate_IsReadWithTheInjectedClock()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
        _server.EnqueueJson(429, GeminiWireJson.Error(429, "RESOURCE_EXHAUSTED", GeminiWireJson.QuotaMessage), ("Retry-After", "Sun, 01 Mar 2026 12:00:07 GMT"));

        var ex = await Assert.ThrowsAsync<LlmProviderException>(() => Client(time: time).GetResponseAsync("x", cancellationToken: Ct));

        Assert.Equal(TimeSpan.FromSeconds(7), ex.RetryAfter);
    }

    [Fact]
    public async Task GetResponseAsync_InvalidKey_IsAuthenticationAndNeverShowsTheKey()
    {
        _server.EnqueueJson(400, GeminiWireJson.Error(400, "INVALID_ARGUMENT", GeminiWireJson.ApiKeyInvalidMessage, GeminiWireJson.ErrorInfo("API_KEY_INVALID")));

        var ex = await Assert.ThrowsAsync<LlmProviderException>(() => Client().GetResponseAsync("x", cancellationToken: Ct));

        Assert.Equal(LlmFailureKind.Authentication, ex.Kind);
        Assert.Equal("API_KEY_INVALID", ex.ErrorCode);
        Assert.DoesNotContain(Key, ex.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Key, _server.Requests[0].Path + _server.Requests[0].Query, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetResponseAsync_ContextLength_IsContextLengthExceeded()
    {
        _server.EnqueueJson(400, GeminiWireJson.Error(400, "INVALID_ARGUMENT", GeminiWireJson.ContextLengthMessage));

        var ex = await Assert.ThrowsAsync<LlmProviderException>(() => Client().GetResponseAsync("x", cancellationToken: Ct));

        Assert.Equal(LlmFailureKind.ContextLengthExceeded, ex.Kind);
        Assert.Equal(400, ex.StatusCode);
    }

    [Fact]
    public async Task GetResponseAsync_ModelIdOption_OverridesTheModelInThePath()
    {
        _server.EnqueueJson(200, GeminiWireJson.Text("ok"));

        await Client().GetResponseAsync("x", new ChatOptions { ModelId = "models/gemini-2.5-pro" }, Ct);

        Assert.Equal("/v1beta/models/gemini-2.5-pro:generateContent", _server.Requests[0].Path);
    }

    [Fact]
    public async Task GetResponseAsync_InvalidModelIdOption_ThrowsNamingTheOption()
    {
        var ex = await Assert.ThrowsAsync<ArgumentException>(() => Client().GetResponseAsync("x", new ChatOptions { ModelId = "x?key=1" }, Ct));

        Assert.Equal("options", ex.ParamName);
        Assert.StartsWith("ChatOptions.ModelId must be a Gemini model name", ex.Message, StringComparison.Ordinal);
        Assert.Empty(_server.Requests);
    }

    [Fact]
    public async Task GetResponseAsync_NoModelAnywhere_ThrowsInvalidOperation()
    {
        await Assert.ThrowsAsync<InvalidOperationException>(() => Client(model: null).GetResponseAsync("x", cancellationToken: Ct));
    }

    [Fact]
    public async Task GetResponseAsync_BaseAddressWithPathAndOtherVersion_BuildsTheFullPath()
    {
        using var http = new HttpClient { BaseAddress = new Uri(_server.BaseAddress, "proxy/gemini/") };
        using var client = new GeminiChatClient(http, Key, "gemini-2.0-flash", new GeminiOptions { ApiVersion = "v1" });
        _server.EnqueueJson(200, GeminiWireJson.Text("ok"));

        await client.GetResponseAsync("x", cancellationToken: Ct);

        Assert.Equal("/proxy/gemini/v1/models/gemini-2.0-flash:generateContent", _server.Requests[0].Path);
    }

    [Fact]
    public void Constructor_InvalidArguments_Throw()
    {
        Assert.Throws<ArgumentNullException>(() => new GeminiChatClient(null!, Key));
        Assert.Throws<ArgumentNullException>(() => new GeminiChatClient(_http, null!));
        Assert.Throws<ArgumentException>(() => new GeminiChatClient(_http, " "));
        var model = Assert.Throws<ArgumentException>(() => new GeminiChatClient(_http, Key, "bad model"));
        Assert.Equal("modelId", model.ParamName);
        var version = Assert.Throws<ArgumentException>(() => new GeminiChatClient(_http, Key, "gemini-2.5-flash", new GeminiOptions { ApiVersion = "v1/x" }));
        Assert.Equal("options", version.ParamName);
        Assert.StartsWith("GeminiOptions.ApiVersion must be one path segment", version.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PublicMethods_NullArguments_Throw()
    {
        var client = Client();
        await Assert.ThrowsAsync<ArgumentNullException>(() => client.GetResponseAsync((IEnumerable<ChatMessage>)null!, cancellationToken: Ct));
        Assert.Throws<ArgumentNullException>(() => client.GetStreamingResponseAsync((IEnumerable<ChatMessage>)null!, cancellationToken: Ct));
        Assert.Throws<ArgumentNullException>(() => client.GetService(null!));
    }

    [Fact]
    public void GetService_Metadata_DescribesProviderEndpointAndModel()
    {
        var client = Client();

        var metadata = Assert.IsType<ChatClientMetadata>(client.GetService(typeof(ChatClientMetadata)));
        Assert.Equal("gcp.gemini", metadata.ProviderName);
        Assert.Equal(_server.BaseAddress, metadata.ProviderUri);
        Assert.Equal("gemini-2.5-flash", metadata.DefaultModelId);
        Assert.Same(client, client.GetService(typeof(GeminiChatClient)));
        Assert.Null(client.GetService(typeof(GeminiChatClient), "key"));
        Assert.Null(client.GetService(typeof(string)));
    }
}
