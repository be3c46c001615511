using System.ClientModel;
using System.Text;
using LlmFallback.Conformance;
using LlmFallback.Samples.Gateway.Tests.Support;
using OpenAI;
using OpenAI.Chat;
using ChatFinishReason = OpenAI.Chat.ChatFinishReason;
using ChatMessage = OpenAI.Chat.ChatMessage;

namespace LlmFallback.Samples.Gateway.Tests.EndToEnd;

/// <summary>The official OpenAI .NET SDK as the client, pointed at the gateway, whose providers are loopback fakes.</summary>
public sealed class OpenAISdkTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task CompleteChatAsync_ThroughGateway_ReturnsAnswerAndUsage()
    {
        await using var host = await GatewayHost.StartAsync();
        host.Primary.Enqueue(WireScenario.Error(WireError.Overloaded));
        host.Backup.Enqueue(WireScenario.Text("Hi from the backup", inputTokens: 21, outputTokens: 5));
        var client = Client(host, "fast");

        ChatCompletion completion = await client.CompleteChatAsync([new SystemChatMessage("Be terse."), new UserChatMessage("Say hi")], cancellationToken: Ct);

        Assert.Equal("Hi from the backup", completion.Content[0].Text);
        Assert.Equal(ChatFinishReason.Stop, completion.FinishReason);
        Assert.Equal("model-b", completion.Model);
        Assert.Equal(21, completion.Usage.InputTokenCount);
        Assert.Equal(5, completion.Usage.OutputTokenCount);
        Assert.Single(host.Primary.Requests);
    }

    [Fact]
    public async Task CompleteChatStreamingAsync_ThroughGateway_StreamsTextAndUsage()
    {
        await using var host = await GatewayHost.StartAsync();
        host.Primary.Enqueue(WireScenario.Stream(["One, ", "two, ", "three."], inputTokens: 8, outputTokens: 6));
        var client = Client(host, "fast");

        var text = new StringBuilder();
        ChatTokenUsage? usage = null;
        ChatFinishReason? finish = null;
        await foreach (var update in client.CompleteChatStreamingAsync([new UserChatMessage("Count")], cancellationToken: Ct))
        {
            foreach (var part in update.ContentUpdate)
            {
                text.Append(part.Text);
            }

            finish ??= update.FinishReason;
            usage ??= update.Usage;
        }

        Assert.Equal("One, two, three.", text.ToString());
        Assert.Equal(ChatFinishReason.Stop, finish);
        Assert.NotNull(usage);
        Assert.Equal(8, usage.InputTokenCount);
        Assert.Equal(6, usage.OutputTokenCount);
    }

    [Fact]
    public async Task CompleteChatAsync_ToolRoundTrip_ReturnsToolCallThenAnswerAfterResult()
    {
        await using var host = await GatewayHost.StartAsync();
        host.Primary.Enqueue(WireScenario.ToolCall("call_42", "get_weather", """{"city":"Rome"}""", stream: false));
        host.Primary.Enqueue(WireScenario.Text("Rome is sunny."));
        var client = Client(host, "fast");
        var tool = ChatTool.CreateFunctionTool("get_weather", "Weather now", BinaryData.FromString("""{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}"""));
        var options = new ChatCompletionOptions { Tools = { tool } };
        List<ChatMessage> messages = [new UserChatMessage("Weather in Rome?")];

        ChatCompletion first = await client.CompleteChatAsync(messages, options, Ct);
        var call = Assert.Single(first.ToolCalls);
        messages.Add(new AssistantChatMessage(first));
        messages.Add(new ToolChatMessage(call.Id, "sunny"));
        ChatCompletion second = await client.CompleteChatAsync(messages, options, Ct);

        Assert.Equal(ChatFinishReason.ToolCalls, first.FinishReason);
        Assert.Equal("call_42", call.Id);
        Assert.Equal("get_weather", call.FunctionName);
        Assert.Equal("""{"city":"Rome"}""", call.FunctionArguments.ToString());
        Assert.Equal("Rome is sunny.", second.Content[0].Text);
        Assert.Empty(host.Primary.Rejections);
    }

    [Fact]
    public async Task CompleteChatAsync_UnknownModel_SdkThrowsWith404()
    {
        await using var host = await GatewayHost.StartAsync();
        var client = Client(host, "ghost");

        var error = await Assert.ThrowsAsync<ClientResultException>(() => client.CompleteChatAsync([new UserChatMessage("hi")], cancellationToken: Ct));

        Assert.Equal(404, error.Status);
        Assert.Contains("model_not_found", error.Message, StringComparison.Ordinal);
    }

    private static ChatClient Client(GatewayHost host, string model) =>
        new(model, new ApiKeyCredential(GatewayHost.TesterKey), new OpenAIClientOptions
        {
            Endpoint = new Uri(host.BaseAddress, "v1"),
            RetryPolicy = new System.ClientModel.Primitives.ClientRetryPolicy(maxRetries: 0),
            NetworkTimeout = TimeSpan.FromSeconds(30),
        });
}
