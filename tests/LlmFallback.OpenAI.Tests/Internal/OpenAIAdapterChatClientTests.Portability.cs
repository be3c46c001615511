using System.Text.Json;
using LlmFallback.Conformance;
using Microsoft.Extensions.DependencyInjection;

namespace LlmFallback.OpenAI.Tests.Internal;

public sealed partial class OpenAIAdapterChatClientTests
{
    private static readonly string LongGeminiId = "gemini_call_" + new string('7', 40);

    private ServiceProvider OpenAI(bool portability = true) => TestProviders.Build(
        b => b.AddOpenAIProvider("local", o => { o.Model = "gpt-4o-mini"; o.Endpoint = _server.V1(); o.ApiKey = "k"; }),
        services: s => s.Configure<LlmPortabilityOptions>("local", o => o.Enabled = portability));

    private static TContent From<TContent>(string family, TContent content)
        where TContent : AIContent
    {
        content.SetOrigin(family);
        return content;
    }

    private static List<ChatMessage> ForeignToolLoop() =>
    [
        new(ChatRole.User, "Weather in Paris?"),
        new(ChatRole.Assistant, [From("anthropic", new TextReasoningContent("Claude thinks.") { ProtectedData = "anthropic-signature" }), From("gemini", new FunctionCallContent(LongGeminiId, "get_weather", new Dictionary<string, object?> { ["city"] = "Paris" }))]),
        new(ChatRole.Tool, [new FunctionResultContent(LongGeminiId, "sunny")]),
    ];

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Request_LlmFallbackRequestContext_NeverReachesTheWire(bool stream)
    {
        await using var sp = OpenAI();

        await SendAsync(sp, TestProviders.Conversation, new ChatOptions().WithUser("user-42").WithTenant("tenant-7").WithApiKeyId("key-3"), stream);

        var body = _server.Requests[^1].Body;
        Assert.DoesNotContain("llmfallback", body, StringComparison.Ordinal);
        Assert.DoesNotContain("user-42", body, StringComparison.Ordinal);
        Assert.DoesNotContain("tenant-7", body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(ReasoningEffort.Low, "low")]
    [InlineData(ReasoningEffort.High, "high")]
    [InlineData(ReasoningEffort.None, "none")]
    public async Task Request_ReasoningEffort_IsSentAsReasoningEffort(ReasoningEffort effort, string value)
    {
        await using var sp = OpenAI();

        var body = await SendAsync(sp, TestProviders.Conversation, new ChatOptions { Reasoning = new ReasoningOptions { Effort = effort } });

        Assert.Equal(value, body.GetProperty("reasoning_effort").GetString());
    }

    [Fact]
    public async Task Request_ForeignToolLoop_IsAcceptedWithShortPairedIdsAndNoForeignReasoning()
    {
        await using var sp = OpenAI();

        var body = await SendAsync(sp, ForeignToolLoop());

        Assert.Empty(_server.Rejections);
        var messages = body.GetProperty("messages");
        var id = messages[1].GetProperty("tool_calls")[0].GetProperty("id").GetString()!;
        Assert.True(id.Length <= 40, id);
        Assert.Equal(id, messages[2].GetProperty("tool_call_id").GetString());
        Assert.DoesNotContain("anthropic-signature", _server.Requests[^1].Body, StringComparison.Ordinal);
        Assert.DoesNotContain("Claude thinks.", _server.Requests[^1].Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Request_ForeignToolLoopWithoutPortability_IsRefusedAsTheRealApiRefusesIt()
    {
        await using var sp = OpenAI(portability: false);
        _server.Enqueue(WireScenario.Text("unused"));

        var ex = await Assert.ThrowsAnyAsync<Exception>(() => sp.GetRequiredKeyedService<IChatClient>("local").GetResponseAsync(ForeignToolLoop(), cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal(LlmFailureKind.BadRequest, sp.GetRequiredKeyedService<LlmProvider>("local").Classify(ex).Kind);
        Assert.StartsWith("Invalid 'messages[1].tool_calls[0].id': string too long. Expected a string with maximum length 40", Assert.Single(_server.Rejections), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Request_ToolResultWithAnImage_CarriesTheImageInAUserMessageAfterTheResults()
    {
        await using var sp = OpenAI();
        List<ChatMessage> history =
        [
            new(ChatRole.User, "What instrument?"),
            new(ChatRole.Assistant, [new FunctionCallContent("call_1", "get_image")]),
            new(ChatRole.Tool, [new FunctionResultContent("call_1", new List<AIContent> { new TextContent("The photo."), new DataContent(new byte[] { 1, 2, 3 }, "image/png") })]),
        ];

        var body = await SendAsync(sp, history);

        var messages = body.GetProperty("messages");
        Assert.Equal(["user", "assistant", "tool", "user"], messages.EnumerateArray().Select(m => m.GetProperty("role").GetString()));
        Assert.StartsWith("The photo.", messages[2].GetProperty("content").GetString(), StringComparison.Ordinal);
        var image = messages[3].GetProperty("content").EnumerateArray().Single(p => p.GetProperty("type").GetString() == "image_url");
        Assert.StartsWith("data:image/png;base64,", image.GetProperty("image_url").GetProperty("url").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Response_ToolCalls_AreMarkedAsOpenAIs(bool stream)
    {
        await using var sp = OpenAI();
        var client = sp.GetRequiredKeyedService<IChatClient>("local");
        var ct = TestContext.Current.CancellationToken;
        _server.Enqueue(WireScenario.ToolCall("call_9", "get_weather", """{"city":"Paris"}""", stream));

        var response = stream
            ? await client.GetStreamingResponseAsync("Weather?", cancellationToken: ct).ToChatResponseAsync(ct)
            : await client.GetResponseAsync("Weather?", cancellationToken: ct);

        var call = Assert.Single(response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>());
        Assert.Equal(LlmProviderFamily.OpenAI, call.GetOrigin());
        Assert.Null(response.Messages.SelectMany(m => m.Contents).OfType<TextContent>().FirstOrDefault()?.GetOrigin());
    }
}
