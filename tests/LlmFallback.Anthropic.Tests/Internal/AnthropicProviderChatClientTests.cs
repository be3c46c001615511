using System.Text.Json;
using LlmFallback.Conformance;
using Microsoft.Extensions.DependencyInjection;

namespace LlmFallback.Anthropic.Tests;

public sealed partial class AnthropicProviderChatClientTests : AnthropicServerTest
{
    [Fact]
    public async Task GetResponseAsync_Text_SendsDocumentedRequestAndReadsMessage()
    {
        await using var services = AnthropicTestServices.Build(Server.BaseAddress);
        Server.Enqueue(WireScenario.Text("Hi!", inputTokens: 12, outputTokens: 3));

        var response = await Client(services).GetResponseAsync([new(ChatRole.System, "You are terse."), new(ChatRole.User, "Say hi")], cancellationToken: Token);

        Assert.Equal("Hi!", response.Text);
        Assert.Equal(ChatFinishReason.Stop, response.FinishReason);
        Assert.Equal(12, response.Usage?.InputTokenCount);
        Assert.Equal(3, response.Usage?.OutputTokenCount);
        Assert.Equal(AnthropicLoopbackServer.Model, response.ModelId);

        var request = Assert.Single(Server.Requests);
        AnthropicRequestAssert.Matches(request, AnthropicLoopbackServer.Model, stream: false, withTools: false, withToolResult: false, "You are terse.", "Say hi");
        Assert.Equal(4096, request.Json.GetProperty("max_tokens").GetInt32());
        Assert.False(request.Headers.ContainsKey("anthropic-beta"));
        Assert.False(request.Headers.ContainsKey("X-Stainless-Timeout"));
    }

    [Fact]
    public async Task GetStreamingResponseAsync_CompleteStream_FinishReasonOnlyFromMessageDelta()
    {
        await using var services = AnthropicTestServices.Build(Server.BaseAddress);
        Server.Enqueue(WireScenario.Stream(["Hel", "lo"], inputTokens: 9, outputTokens: 2));

        var updates = await ReadAllAsync(Client(services).GetStreamingResponseAsync([new(ChatRole.User, "Say hi")], cancellationToken: Token));

        var firstFinish = updates.FindIndex(u => u.FinishReason is not null);
        Assert.True(firstFinish > 0);
        Assert.Equal("Hello", string.Concat(updates.Take(firstFinish).Select(u => u.Text)));
        Assert.Equal(ChatFinishReason.Stop, updates[firstFinish].FinishReason);
        var usage = updates.SelectMany(u => u.Contents).OfType<UsageContent>().Last().Details;
        Assert.Equal(9, usage.InputTokenCount);
        Assert.Equal(2, usage.OutputTokenCount);
        Assert.True(Assert.Single(Server.Requests).Json.GetProperty("stream").GetBoolean());
    }

    [Fact]
    public async Task GetStreamingResponseAsync_CutBeforeMessageDelta_NeverLooksComplete()
    {
        await using var services = AnthropicTestServices.Build(Server.BaseAddress);
        Server.Enqueue(WireScenario.StreamCut(["Hel", "lo"]));
        var updates = new List<ChatResponseUpdate>();

        var error = await Record.ExceptionAsync(async () =>
        {
            await foreach (var update in Client(services).GetStreamingResponseAsync([new(ChatRole.User, "Say hi")], cancellationToken: Token))
            {
                updates.Add(update);
            }
        });

        Assert.NotNull(error);
        Assert.Equal(LlmFailureKind.Transport, Provider(services).Classify(error).Kind);
        Assert.All(updates, u => Assert.Null(u.FinishReason));
    }

    [Fact]
    public async Task GetStreamingResponseAsync_CleanEndWithoutMessageDelta_HasNoFinishReason()
    {
        await using var services = AnthropicTestServices.Build(Server.BaseAddress);
        Server.Enqueue(WireScenario.StreamEndsWithoutFinish(["Hel", "lo"]));

        var updates = await ReadAllAsync(Client(services).GetStreamingResponseAsync([new(ChatRole.User, "Say hi")], cancellationToken: Token));

        Assert.Equal("Hello", string.Concat(updates.Select(u => u.Text)));
        Assert.All(updates, u => Assert.Null(u.FinishReason));
    }

    [Fact]
    public async Task GetStreamingResponseAsync_ErrorEventMidStream_ThrowsServerError()
    {
        await using var services = AnthropicTestServices.Build(Server.BaseAddress);
        Server.Enqueue(WireScenario.MidStreamError(["Hel"], WireError.Overloaded));

        var error = await Record.ExceptionAsync(() => ReadAllAsync(Client(services).GetStreamingResponseAsync([new(ChatRole.User, "Say hi")], cancellationToken: Token)));

        var failure = Provider(services).Classify(error!);
        Assert.Equal(LlmFailureKind.ServerError, failure.Kind);
        Assert.Equal("overloaded_error", failure.ErrorCode);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_MalformedEvent_IsServerError()
    {
        await using var services = AnthropicTestServices.Build(Server.BaseAddress);
        Server.Enqueue(WireScenario.StreamMalformed(["Hel"]));

        var error = await Record.ExceptionAsync(() => ReadAllAsync(Client(services).GetStreamingResponseAsync([new(ChatRole.User, "Say hi")], cancellationToken: Token)));

        Assert.Equal(LlmFailureKind.ServerError, Provider(services).Classify(error!).Kind);
    }

    [Fact]
    public async Task GetResponseAsync_ResetBeforeHeaders_IsTransport()
    {
        await using var services = AnthropicTestServices.Build(Server.BaseAddress);
        Server.Enqueue(WireScenario.ResetBeforeHeaders());

        var error = await Record.ExceptionAsync(() => Client(services).GetResponseAsync([new(ChatRole.User, "Say hi")], cancellationToken: Token));

        Assert.Equal(LlmFailureKind.Transport, Provider(services).Classify(error!).Kind);
    }

    [Fact]
    public async Task GetResponseAsync_ConnectionRefused_IsTransport()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        await using var services = AnthropicTestServices.Build(new Uri($"http://127.0.0.1:{port}/"));

        var error = await Record.ExceptionAsync(() => Client(services).GetResponseAsync([new(ChatRole.User, "Say hi")], cancellationToken: Token));

        Assert.Equal(LlmFailureKind.Transport, Provider(services).Classify(error!).Kind);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Call_RateLimitedWithRetryAfter_ExceptionClassifiesWithTheDelay(bool stream)
    {
        await using var services = AnthropicTestServices.Build(Server.BaseAddress);
        Server.Enqueue(WireScenario.Error(WireError.RateLimited, retryAfter: "2"));

        var error = await CallFailsAsync(Client(services), stream);

        var failure = Provider(services).Classify(error!);
        Assert.Equal(LlmFailureKind.RateLimited, failure.Kind);
        Assert.Equal(429, failure.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(2), failure.RetryAfter);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Call_InputPlusMaxTokensOverTheContextLimit_IsContextLengthExceeded(bool stream)
    {
        // The 400 the Messages API sends (Claude 3.7 and later) when the prompt fits but the prompt plus max_tokens does
        // not: a model with a larger window takes the request, so it must fail over, not surface as a bad request.
        await using var services = AnthropicTestServices.Build(Server.BaseAddress);
        Server.Enqueue(WireScenario.Raw(
            400,
            "application/json",
            """{"type":"error","error":{"type":"invalid_request_error","message":"input length and `max_tokens` exceed context limit: 178959 + 64000 > 200000, decrease input length or `max_tokens` and try again"},"request_id":"req_011CErr"}""",
            ("request-id", "req_011CErr")));

        var error = await CallFailsAsync(Client(services), stream);

        var failure = Provider(services).Classify(error!);
        Assert.Equal(LlmFailureKind.ContextLengthExceeded, failure.Kind);
        Assert.Equal(400, failure.StatusCode);
    }

    [Fact]
    public async Task Call_RetryAfterMs_IsPreferred()
    {
        await using var services = AnthropicTestServices.Build(Server.BaseAddress);
        Server.Enqueue(WireScenario.Error(WireError.RateLimited, retryAfter: "2", retryAfterMs: "1500"));

        var error = await Record.ExceptionAsync(() => Client(services).GetResponseAsync([new(ChatRole.User, "Say hi")], cancellationToken: Token));

        Assert.Equal(TimeSpan.FromMilliseconds(1500), Provider(services).Classify(error!).RetryAfter);
    }

    [Fact]
    public async Task GetResponseAsync_PrefillEndingInWhitespace_SendsTrimmedPrefillAndDropsTheRepeat()
    {
        await using var services = AnthropicTestServices.Build(Server.BaseAddress);
        Server.Enqueue(WireScenario.Text(" world."));

        var response = await Client(services).GetResponseAsync([new(ChatRole.User, "Greet the world"), new(ChatRole.Assistant, "Hello, ")], cancellationToken: Token);

        Assert.Equal("world.", response.Text);
        var messages = Assert.Single(Server.Requests).Json.GetProperty("messages");
        Assert.Equal(2, messages.GetArrayLength());
        Assert.Equal("assistant", messages[1].GetProperty("role").GetString());
        Assert.Equal("Hello,", messages[1].GetProperty("content")[0].GetProperty("text").GetString());
    }

    [Fact]
    public async Task GetStreamingResponseAsync_PrefillEndingInWhitespace_ContinuationJoinsWithoutDoubleSpace()
    {
        await using var services = AnthropicTestServices.Build(Server.BaseAddress);
        Server.Enqueue(WireScenario.Stream([" ", "wor", "ld."]));
        const string partial = "Hello, ";

        var updates = await ReadAllAsync(Client(services).GetStreamingResponseAsync([new(ChatRole.User, "Greet the world"), new(ChatRole.Assistant, partial)], cancellationToken: Token));

        Assert.Equal("Hello, world.", partial + string.Concat(updates.Select(u => u.Text)));
        var prefill = Assert.Single(Server.Requests).Json.GetProperty("messages")[1];
        Assert.Equal("Hello,", prefill.GetProperty("content")[0].GetProperty("text").GetString());
    }

    [Fact]
    public async Task GetResponseAsync_ToolRoundTrip_SendsToolsAndToolBlocks()
    {
        await using var services = AnthropicTestServices.Build(Server.BaseAddress);
        Server.Enqueue(WireScenario.ToolCall("toolu_01", "get_weather", """{"city":"Paris"}""", stream: false));
        Server.Enqueue(WireScenario.Text("Sunny in Paris."));
        var tool = AIFunctionFactory.Create((string city) => "sunny", "get_weather", "Gets the weather.");
        var options = new ChatOptions { Tools = [tool] };
        List<ChatMessage> conversation = [new(ChatRole.User, "Weather in Paris?")];
        var client = Client(services);

        var first = await client.GetResponseAsync(conversation, options, Token);
        var call = Assert.IsType<FunctionCallContent>(Assert.Single(first.Messages.SelectMany(m => m.Contents), c => c is FunctionCallContent));
        Assert.Equal(ChatFinishReason.ToolCalls, first.FinishReason);
        Assert.Equal("toolu_01", call.CallId);
        Assert.Equal("Paris", call.Arguments?["city"]?.ToString());
        conversation.AddRange(first.Messages);
        conversation.Add(new ChatMessage(ChatRole.Tool, [new FunctionResultContent("toolu_01", "sunny")]));
        var second = await client.GetResponseAsync(conversation, options, Token);

        Assert.Equal("Sunny in Paris.", second.Text);
        var tools = Server.Requests[0].Json.GetProperty("tools");
        Assert.Equal("get_weather", tools[0].GetProperty("name").GetString());
        Assert.Equal("string", tools[0].GetProperty("input_schema").GetProperty("properties").GetProperty("city").GetProperty("type").GetString());
        var messages = Server.Requests[1].Json.GetProperty("messages");
        var toolUse = messages[1].GetProperty("content")[0];
        Assert.Equal("tool_use", toolUse.GetProperty("type").GetString());
        Assert.Equal("toolu_01", toolUse.GetProperty("id").GetString());
        var toolResult = messages[2].GetProperty("content")[0];
        Assert.Equal("user", messages[2].GetProperty("role").GetString());
        Assert.Equal("tool_result", toolResult.GetProperty("type").GetString());
        Assert.Equal("toolu_01", toolResult.GetProperty("tool_use_id").GetString());
    }

    [Fact]
    public async Task GetStreamingResponseAsync_ToolCallDeltas_AssembleOneCall()
    {
        await using var services = AnthropicTestServices.Build(Server.BaseAddress);
        Server.Enqueue(WireScenario.ToolCall("toolu_02", "get_weather", """{"city":"Oslo"}""", stream: true));

        var updates = await ReadAllAsync(Client(services).GetStreamingResponseAsync([new(ChatRole.User, "Weather in Oslo?")], cancellationToken: Token));

        var call = Assert.Single(updates.SelectMany(u => u.Contents).OfType<FunctionCallContent>());
        Assert.Equal("toolu_02", call.CallId);
        Assert.Equal("Oslo", call.Arguments?["city"]?.ToString());
        Assert.Contains(updates, u => u.FinishReason == ChatFinishReason.ToolCalls);
    }

    [Fact]
    public async Task Call_ConfiguredVersionBetasAndMaxTokens_AreSent()
    {
        await using var services = AnthropicTestServices.Build(
            Server.BaseAddress,
            model: "claude-3-haiku-20240307",
            configureAnthropic: o =>
            {
                o.ApiVersion = "2026-10-21";
                o.Betas = ["files-api-2025-04-14", "context-1m-2025-08-07"];
                o.MaxTokens = 8000;
            });
        Server.Enqueue(WireScenario.Text("ok"));
        Server.Enqueue(WireScenario.Text("ok"));
        var client = Client(services);

        await client.GetResponseAsync([new(ChatRole.User, "Say hi")], cancellationToken: Token);
        await client.GetResponseAsync([new(ChatRole.User, "Say hi")], new ChatOptions { MaxOutputTokens = 100 }, Token);

        var request = Server.Requests[0];
        Assert.Equal("2026-10-21", request.Headers["anthropic-version"]);
        Assert.Equal("files-api-2025-04-14,context-1m-2025-08-07", request.Headers["anthropic-beta"]);
        Assert.Equal(4096, request.Json.GetProperty("max_tokens").GetInt32()); // capped at the model's maximum output
        Assert.Equal(100, Server.Requests[1].Json.GetProperty("max_tokens").GetInt32());
    }

    [Fact]
    public async Task Call_EndpointWithVersionSegment_StillPostsToMessages()
    {
        await using var services = AnthropicTestServices.Build(new Uri(Server.BaseAddress, "v1/"));
        Server.Enqueue(WireScenario.Text("ok"));

        await Client(services).GetResponseAsync([new(ChatRole.User, "Say hi")], cancellationToken: Token);

        Assert.Equal("/v1/messages", Assert.Single(Server.Requests).Path);
    }

    [Fact]
    public async Task GetService_Metadata_NamesAnthropicAndTheModel()
    {
        await using var services = AnthropicTestServices.Build(Server.BaseAddress);

        var metadata = Client(services).GetService<ChatClientMetadata>();

        Assert.Equal("anthropic", metadata?.ProviderName);
        Assert.Equal(AnthropicLoopbackServer.Model, metadata?.DefaultModelId);
    }

    private static IChatClient Client(IServiceProvider services) => services.GetRequiredKeyedService<IChatClient>("claude");

    private static LlmProvider Provider(IServiceProvider services) => services.GetRequiredKeyedService<LlmProvider>("claude");

    private static ValueTask<Exception?> CallFailsAsync(IChatClient client, bool stream) => Record.ExceptionAsync(() => stream
        ? ReadAllAsync(client.GetStreamingResponseAsync([new(ChatRole.User, "Say hi")], cancellationToken: Token))
        : client.GetResponseAsync([new(ChatRole.User, "Say hi")], cancellationToken: Token));

    private static async Task<List<ChatResponseUpdate>> ReadAllAsync(IAsyncEnumerable<ChatResponseUpdate> updates)
    {
        var list = new List<ChatResponseUpdate>();
        await foreach (var update in updates)
        {
            list.Add(update);
        }

        return list;
    }
}
