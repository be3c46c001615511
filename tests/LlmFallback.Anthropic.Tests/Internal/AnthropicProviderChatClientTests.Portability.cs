using System.Text.Json;
using LlmFallback.Conformance;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace LlmFallback.Anthropic.Tests;

public sealed partial class AnthropicProviderChatClientTests
{
    private static TContent From<TContent>(string family, TContent content)
        where TContent : AIContent
    {
        content.SetOrigin(family);
        return content;
    }

    private static List<ChatMessage> ForeignToolLoop() =>
    [
        new(ChatRole.User, "Weather in Paris?"),
        new(ChatRole.Assistant, [From("gemini", new TextReasoningContent("Gemini thought.") { ProtectedData = "gemini-signature" }), From("openai", new FunctionCallContent("functions.get_weather:0", "get_weather", new Dictionary<string, object?> { ["city"] = "Paris" }))]),
        new(ChatRole.Tool, [new FunctionResultContent("functions.get_weather:0", "sunny")]),
    ];

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Request_LlmFallbackRequestContext_NeverReachesTheWire(bool stream)
    {
        await using var services = AnthropicTestServices.Build(Server.BaseAddress);
        var options = new ChatOptions().WithUser("user-42").WithTenant("tenant-7").WithApiKeyId("key-3");

        if (stream)
        {
            Server.Enqueue(WireScenario.Stream(["ok"]));
            await ReadAllAsync(Client(services).GetStreamingResponseAsync([new(ChatRole.User, "Hi")], options, Token));
        }
        else
        {
            Server.Enqueue(WireScenario.Text("ok"));
            await Client(services).GetResponseAsync([new(ChatRole.User, "Hi")], options, Token);
        }

        var body = Assert.Single(Server.Requests).Body;
        Assert.DoesNotContain("llmfallback", body, StringComparison.Ordinal);
        Assert.DoesNotContain("user-42", body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(AnthropicThinkingMode.Adaptive, ReasoningEffort.High, "adaptive")]
    [InlineData(AnthropicThinkingMode.Extended, ReasoningEffort.High, "enabled")]
    public async Task Request_ReasoningEffort_IsSentAsThinking(AnthropicThinkingMode mode, ReasoningEffort effort, string type)
    {
        await using var services = AnthropicTestServices.Build(Server.BaseAddress, configureAnthropic: o => o.ThinkingMode = mode);
        Server.Enqueue(WireScenario.Text("ok"));

        await Client(services).GetResponseAsync([new(ChatRole.User, "Hi")], new ChatOptions { Reasoning = new ReasoningOptions { Effort = effort } }, Token);

        var body = Assert.Single(Server.Requests).Json;
        Assert.Equal(type, body.GetProperty("thinking").GetProperty("type").GetString());
        if (mode == AnthropicThinkingMode.Adaptive)
        {
            Assert.Equal("high", body.GetProperty("output_config").GetProperty("effort").GetString());
        }
        else
        {
            Assert.Equal(16384, body.GetProperty("thinking").GetProperty("budget_tokens").GetInt32());
        }
    }

    [Fact]
    public async Task Request_ForeignToolLoop_IsAcceptedWithPatternIdsAndNoForeignReasoning()
    {
        await using var services = AnthropicTestServices.Build(Server.BaseAddress);
        Server.Enqueue(WireScenario.Text("Sunny."));

        await Client(services).GetResponseAsync(ForeignToolLoop(), cancellationToken: Token);

        Assert.Empty(Server.Rejections);
        var body = Assert.Single(Server.Requests);
        Assert.DoesNotContain("gemini-signature", body.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("Gemini thought.", body.Body, StringComparison.Ordinal);
        var messages = body.Json.GetProperty("messages");
        var toolUse = messages[1].GetProperty("content").EnumerateArray().Single(b => b.GetProperty("type").GetString() == "tool_use");
        Assert.Matches("^[a-zA-Z0-9_-]+$", toolUse.GetProperty("id").GetString()!);
        Assert.Equal(toolUse.GetProperty("id").GetString(), messages[2].GetProperty("content")[0].GetProperty("tool_use_id").GetString());
    }

    [Fact]
    public async Task Request_ForeignToolLoopWithoutPortability_IsRefusedAsTheRealApiRefusesIt()
    {
        await using var services = AnthropicTestServices.Build(Server.BaseAddress, services: s => s.Configure<LlmPortabilityOptions>("claude", o => o.Enabled = false));
        Server.Enqueue(WireScenario.Text("unused"));

        var ex = await Assert.ThrowsAnyAsync<Exception>(() => Client(services).GetResponseAsync(ForeignToolLoop(), cancellationToken: Token));

        Assert.Equal(LlmFailureKind.BadRequest, Provider(services).Classify(ex).Kind);
        Assert.Equal("messages.1.content.0: Invalid `signature` in `thinking` block", Assert.Single(Server.Rejections));
    }

    [Fact]
    public async Task Request_ThinkingOnAForeignToolLoop_TurnsThinkingOffOnceLogged()
    {
        var logs = new FakeLogCollector();
        await using var services = AnthropicTestServices.Build(Server.BaseAddress, services: s => s.AddLogging(b => b.AddProvider(new FakeLoggerProvider(logs))));
        var thinking = new ChatOptions { Reasoning = new ReasoningOptions { Effort = ReasoningEffort.High } };
        Server.Enqueue(WireScenario.Text("Sunny."));
        Server.Enqueue(WireScenario.Text("Still sunny."));

        await Client(services).GetResponseAsync(ForeignToolLoop(), thinking, Token);
        await Client(services).GetResponseAsync(ForeignToolLoop(), thinking, Token);

        Assert.Empty(Server.Rejections);
        Assert.All(Server.Requests, r => Assert.False(r.Json.TryGetProperty("thinking", out _)));
        Assert.Single(logs.GetSnapshot(), r => r.Id.Name == "AnthropicThinkingTurnedOff");
        Assert.NotNull(thinking.Reasoning);
    }

    [Fact]
    public async Task Request_OwnThinkingToolLoop_KeepsTheSignedThinkingAndThinkingOn()
    {
        await using var services = AnthropicTestServices.Build(Server.BaseAddress);
        var thinking = new ChatOptions { Reasoning = new ReasoningOptions { Effort = ReasoningEffort.High } };
        Server.Enqueue(WireScenario.ToolCall("toolu_01", "get_weather", """{"city":"Paris"}""", stream: false));
        Server.Enqueue(WireScenario.Text("Sunny."));
        List<ChatMessage> conversation = [new(ChatRole.User, "Weather in Paris?")];

        var first = await Client(services).GetResponseAsync(conversation, thinking, Token);
        var reasoning = Assert.Single(first.Messages[0].Contents.OfType<TextReasoningContent>());
        var call = Assert.Single(first.Messages[0].Contents.OfType<FunctionCallContent>());
        conversation.AddRange(first.Messages);
        conversation.Add(new ChatMessage(ChatRole.Tool, [new FunctionResultContent(call.CallId, "sunny")]));
        await Client(services).GetResponseAsync(conversation, thinking, Token);

        Assert.Equal(LlmProviderFamily.Anthropic, reasoning.GetOrigin());
        Assert.Equal(LlmProviderFamily.Anthropic, call.GetOrigin());
        Assert.Empty(Server.Rejections);
        var second = Server.Requests[1].Json;
        Assert.True(second.TryGetProperty("thinking", out _));
        var firstBlock = second.GetProperty("messages")[1].GetProperty("content")[0];
        Assert.Equal("thinking", firstBlock.GetProperty("type").GetString());
        Assert.Equal(reasoning.ProtectedData, firstBlock.GetProperty("signature").GetString());
    }
}
