using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace LlmFallback.Gemini.Tests;

public partial class GeminiChatClientTests
{
    private (GeminiChatClient Client, FakeLogCollector Logs) LoggingClient(string model = "gemini-2.5-flash", GeminiOptions? options = null)
    {
        var provider = new FakeLoggerProvider();
        var factory = LoggerFactory.Create(b => b.AddProvider(provider).SetMinimumLevel(LogLevel.Trace));
        return (new GeminiChatClient(_http, Key, model, options, "gem", loggerFactory: factory), provider.Collector);
    }

    private async Task<System.Text.Json.JsonElement> SendAsync(GeminiChatClient client, ChatOptions options)
    {
        _server.EnqueueJson(200, GeminiWireJson.Text("ok"));
        await client.GetResponseAsync("Hi", options, Ct);
        return _server.Requests[^1].Json;
    }

    [Fact]
    public async Task GetResponseAsync_SeedBeyondInt32_ThrowsArgumentOutOfRangeNamingIt()
    {
        var ex = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Client().GetResponseAsync("Hi", new ChatOptions { Seed = (long)int.MaxValue + 1 }, Ct));

        Assert.Equal("options", ex.ParamName);
        Assert.StartsWith("ChatOptions.Seed must be between -2147483648 and 2147483647", ex.Message, StringComparison.Ordinal);
        Assert.Empty(_server.Requests);
    }

    [Fact]
    public async Task GetResponseAsync_SeedInRange_IsSentAsInt32()
    {
        var json = await SendAsync(Client(), new ChatOptions { Seed = int.MinValue });

        Assert.Equal(int.MinValue, json.GetProperty("generationConfig").GetProperty("seed").GetInt32());
    }

    [Fact]
    public async Task GetResponseAsync_HostedTools_MapToGoogleSearchCodeExecutionAndFileSearch()
    {
        var json = await SendAsync(Client(), new ChatOptions
        {
            Tools = [new HostedWebSearchTool(), new HostedCodeInterpreterTool(), new HostedFileSearchTool { Inputs = [new HostedVectorStoreContent("fileSearchStores/docs-1")] }],
        });

        var tools = json.GetProperty("tools");
        Assert.Equal(System.Text.Json.JsonValueKind.Object, tools[0].GetProperty("googleSearch").ValueKind);
        Assert.Equal(System.Text.Json.JsonValueKind.Object, tools[1].GetProperty("codeExecution").ValueKind);
        Assert.Equal("fileSearchStores/docs-1", tools[2].GetProperty("fileSearch").GetProperty("fileSearchStoreNames")[0].GetString());
    }

    [Theory]
    [InlineData("gemini-3-flash-preview", ReasoningEffort.Low, "thinkingLevel", "low")]
    [InlineData("gemini-2.5-flash", ReasoningEffort.None, "thinkingBudget", "0")]
    public async Task GetResponseAsync_ReasoningEffort_MapsToTheModelFamilysControl(string model, ReasoningEffort effort, string field, string value)
    {
        var json = await SendAsync(Client(model), new ChatOptions { Reasoning = new ReasoningOptions { Effort = effort } });

        Assert.Equal(value, json.GetProperty("generationConfig").GetProperty("thinkingConfig").GetProperty(field).ToString());
    }

    [Fact]
    public async Task GetResponseAsync_SafetySettings_SentFromOptionsAndReplacedPerRequest()
    {
        var client = Client(options: new GeminiOptions { SafetySettings = { ["HARM_CATEGORY_HARASSMENT"] = "BLOCK_ONLY_HIGH" } });

        var configured = await SendAsync(client, new ChatOptions());
        var perRequest = await SendAsync(client, new ChatOptions
        {
            AdditionalProperties = new() { [GeminiChatClient.SafetySettingsKey] = new Dictionary<string, string> { ["HARM_CATEGORY_DANGEROUS_CONTENT"] = "BLOCK_NONE" } },
        });

        var first = Assert.Single(configured.GetProperty("safetySettings").EnumerateArray());
        Assert.Equal("HARM_CATEGORY_HARASSMENT", first.GetProperty("category").GetString());
        Assert.Equal("BLOCK_ONLY_HIGH", first.GetProperty("threshold").GetString());
        Assert.Equal("HARM_CATEGORY_DANGEROUS_CONTENT", Assert.Single(perRequest.GetProperty("safetySettings").EnumerateArray()).GetProperty("category").GetString());
    }

    [Fact]
    public async Task GetResponseAsync_UnknownSafetyThresholdInTheRequest_ThrowsNamingTheKey()
    {
        var options = new ChatOptions { AdditionalProperties = new() { [GeminiChatClient.SafetySettingsKey] = new Dictionary<string, string> { ["HARM_CATEGORY_HARASSMENT"] = "BLOCK_SOME" } } };

        var ex = await Assert.ThrowsAsync<ArgumentException>(() => Client().GetResponseAsync("Hi", options, Ct));

        Assert.Equal("options", ex.ParamName);
        Assert.StartsWith("ChatOptions.AdditionalProperties['gemini.safetySettings'] has an unknown threshold 'BLOCK_SOME'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_UnknownSafetyCategory_ThrowsNamingTheOption()
    {
        var ex = Assert.Throws<ArgumentException>(() => new GeminiChatClient(_http, Key, "gemini-2.5-flash", new GeminiOptions { SafetySettings = { ["HARM_CATEGORY_TOXICITY"] = "BLOCK_NONE" } }));

        Assert.StartsWith("GeminiOptions.SafetySettings names an unknown harm category 'HARM_CATEGORY_TOXICITY'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetResponseAsync_OptionsWithoutGeminiEquivalent_AreLoggedOncePerProvider()
    {
        var (client, logs) = LoggingClient("gemini-2.0-flash");
        var options = new ChatOptions
        {
            ConversationId = "conv-1",
            AllowMultipleToolCalls = false,
            Reasoning = new ReasoningOptions { Effort = ReasoningEffort.High },
            Tools = [new HostedMcpServerTool("docs", "https://mcp.example/")],
            AdditionalProperties = new() { ["custom_flag"] = true },
        };

        await SendAsync(client, options);
        await SendAsync(client, options);

        var entry = Assert.Single(logs.GetSnapshot(), r => r.Id.Name == "GeminiOptionsNotMapped");
        Assert.Equal(LogLevel.Warning, entry.Level);
        foreach (var name in new[] { "ConversationId", "AllowMultipleToolCalls", "Reasoning.Effort", "HostedMcpServerTool", "AdditionalProperties['custom_flag']" })
        {
            Assert.Contains(name, entry.Message, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("conv-1", entry.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetResponseAsync_LlmFallbackRequestContext_NeverReachesTheWireOrTheLog()
    {
        var (client, logs) = LoggingClient();
        var options = new ChatOptions().WithUser("user-42").WithTenant("tenant-7").WithApiKeyId("key-3");

        await SendAsync(client, options);

        var body = _server.Requests[^1].Body;
        Assert.DoesNotContain("llmfallback", body, StringComparison.Ordinal);
        Assert.DoesNotContain("user-42", body, StringComparison.Ordinal);
        Assert.DoesNotContain(logs.GetSnapshot(), r => r.Id.Name == "GeminiOptionsNotMapped");
    }

    [Fact]
    public async Task GetResponseAsync_ModelArmorBlocksThePrompt_ThrowsContentPolicy()
    {
        _server.EnqueueJson(200, GeminiWireJson.PromptBlocked("MODEL_ARMOR"));

        var ex = await Assert.ThrowsAsync<LlmProviderException>(() => Client().GetResponseAsync("Hi", cancellationToken: Ct));

        Assert.Equal(LlmFailureKind.ContentPolicy, ex.Kind);
        Assert.Equal("MODEL_ARMOR", ex.ErrorCode);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_RawJsonErrorMidStream_ThrowsItInsteadOfATruncatedAnswer()
    {
        _server.Enqueue(async ctx =>
        {
            ctx.Response.ContentType = "text/event-stream";
            await Microsoft.AspNetCore.Http.HttpResponseWritingExtensions.WriteAsync(ctx.Response, "data: " + Delta("Hel") + "\r\n\r\n", Ct);
            await Microsoft.AspNetCore.Http.HttpResponseWritingExtensions.WriteAsync(ctx.Response, GeminiWireJson.Error(503, "UNAVAILABLE", GeminiWireJson.OverloadedMessage).Replace(",", ",\n", StringComparison.Ordinal), Ct);
        });
        var updates = new List<ChatResponseUpdate>();

        var ex = await Assert.ThrowsAsync<LlmProviderException>(async () =>
        {
            await foreach (var update in Client().GetStreamingResponseAsync("Hi", cancellationToken: Ct))
            {
                updates.Add(update);
            }
        });

        Assert.Equal("Hel", Assert.Single(updates).Text);
        Assert.Equal(503, ex.StatusCode);
        Assert.Equal(LlmFailureKind.ServerError, ex.Kind);
    }
}
