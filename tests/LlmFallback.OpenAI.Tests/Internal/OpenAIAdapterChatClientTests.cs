using System.Text.Json;
using LlmFallback.Conformance;
using LlmFallback.OpenAI.Tests.Wire;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using ChatCompletionOptions = OpenAI.Chat.ChatCompletionOptions;

namespace LlmFallback.OpenAI.Tests.Internal;

public sealed partial class OpenAIAdapterChatClientTests : IAsyncLifetime
{
    private static readonly ChatMessage[] Rescue = [.. TestProviders.Conversation, new(ChatRole.Assistant, "Hi the")];

    private readonly OpenAILoopbackServer _server = new();

    public ValueTask InitializeAsync() => new(_server.StartAsync(TestContext.Current.CancellationToken));

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    private ServiceProvider Compatible(string preset, bool? prefill = null) => TestProviders.Build(b => b.AddOpenAICompatibleProvider(
        "local",
        o =>
        {
            o.Model = "m";
            o.Endpoint = _server.V1();
            o.ApiKey = "k";
            if (prefill is { } p)
            {
                o.Capabilities.PrefillContinuation = p;
            }
        },
        o => { o.Preset = preset; o.ApplyCapabilityDefaults = prefill is null; }));

    private async Task<JsonElement> SendAsync(ServiceProvider sp, IEnumerable<ChatMessage> messages, ChatOptions? options = null, bool stream = false)
    {
        var client = sp.GetRequiredKeyedService<IChatClient>("local");
        var ct = TestContext.Current.CancellationToken;
        if (stream)
        {
            _server.Enqueue(WireScenario.Stream(["re"]));
            await foreach (var _ in client.GetStreamingResponseAsync(messages, options, ct))
            {
            }
        }
        else
        {
            _server.Enqueue(WireScenario.Text("re"));
            await client.GetResponseAsync(messages, options, ct);
        }

        return _server.Requests[^1].Json;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task TrailingAssistant_VllmPreset_AsksToContinueFinalMessage(bool stream)
    {
        await using var sp = Compatible(OpenAICompatiblePresets.VLlm);

        var body = await SendAsync(sp, Rescue, stream: stream);

        Assert.True(body.GetProperty("continue_final_message").GetBoolean());
        Assert.False(body.GetProperty("add_generation_prompt").GetBoolean());
        var last = body.GetProperty("messages")[2];
        Assert.Equal("assistant", last.GetProperty("role").GetString());
        Assert.Equal("Hi the", last.GetProperty("content").GetString());
    }

    [Fact]
    public async Task TrailingAssistant_CallerRawOptions_AreKept()
    {
        await using var sp = Compatible(OpenAICompatiblePresets.LlamaCpp);
        Func<IChatClient, object?> callerFactory = _ => new ChatCompletionOptions { Seed = 42 };
        var options = new ChatOptions { RawRepresentationFactory = callerFactory, Temperature = 0.5f };

        var body = await SendAsync(sp, Rescue, options);

        Assert.Equal(42, body.GetProperty("seed").GetInt32());
        Assert.Equal(0.5, body.GetProperty("temperature").GetDouble(), 3);
        Assert.True(body.GetProperty("continue_final_message").GetBoolean());
        Assert.Same(callerFactory, options.RawRepresentationFactory);
    }

    [Fact]
    public async Task TrailingAssistant_MistralWithPrefill_MarksLastMessageAsPrefix()
    {
        await using var sp = Compatible(OpenAICompatiblePresets.Mistral, prefill: true);

        var body = await SendAsync(sp, Rescue, stream: true);

        var last = body.GetProperty("messages")[2];
        Assert.Equal("Hi the", last.GetProperty("content").GetString());
        Assert.True(last.GetProperty("prefix").GetBoolean());
        Assert.False(body.TryGetProperty("continue_final_message", out _));
    }

    [Theory]
    [InlineData(OpenAICompatiblePresets.Ollama, null)]
    [InlineData(OpenAICompatiblePresets.VLlm, false)]
    [InlineData(OpenAICompatiblePresets.Mistral, false)]
    public async Task TrailingAssistant_NoFieldsWhereNotDeclaredOrNotNeeded(string preset, bool? prefill)
    {
        await using var sp = Compatible(preset, prefill);

        var body = await SendAsync(sp, Rescue);

        Assert.False(body.TryGetProperty("continue_final_message", out _));
        Assert.False(body.GetProperty("messages")[2].TryGetProperty("prefix", out _));
    }

    [Fact]
    public async Task EndsWithUser_VllmPreset_SendsPlainRequest()
    {
        await using var sp = Compatible(OpenAICompatiblePresets.VLlm);

        var body = await SendAsync(sp, TestProviders.Conversation);

        Assert.False(body.TryGetProperty("continue_final_message", out _));
        Assert.False(body.TryGetProperty("add_generation_prompt", out _));
    }

    [Fact]
    public async Task Streaming_RequestAsksForUsage_AndUsageArrives()
    {
        await using var sp = Compatible(OpenAICompatiblePresets.VLlm);
        _server.Enqueue(WireScenario.Stream(["Hel", "lo"], inputTokens: 21, outputTokens: 3));

        var updates = new List<ChatResponseUpdate>();
        await foreach (var u in sp.GetRequiredKeyedService<IChatClient>("local").GetStreamingResponseAsync(TestProviders.Conversation, cancellationToken: TestContext.Current.CancellationToken))
        {
            updates.Add(u);
        }

        var request = _server.Requests[0].Json;
        Assert.True(request.GetProperty("stream").GetBoolean());
        Assert.True(request.GetProperty("stream_options").GetProperty("include_usage").GetBoolean());
        var response = updates.ToChatResponse();
        Assert.Equal("Hello", response.Text);
        Assert.Equal(ChatFinishReason.Stop, response.FinishReason);
        Assert.Equal(21, response.Usage?.InputTokenCount);
        Assert.Equal(3, response.Usage?.OutputTokenCount);
    }

    [Theory]
    [InlineData(WireError.ServerError, LlmFailureKind.ServerError, "server_error")]
    [InlineData(WireError.RateLimited, LlmFailureKind.RateLimited, "rate_limit_exceeded")]
    [InlineData(WireError.ContextLength, LlmFailureKind.ContextLengthExceeded, "context_length_exceeded")]
    public async Task Streaming_ErrorEventMidStream_ThrowsClassifiedException(WireError error, LlmFailureKind kind, string code)
    {
        await using var sp = Compatible(OpenAICompatiblePresets.VLlm);
        _server.Enqueue(WireScenario.MidStreamError(["Hel"], error));
        var texts = new List<string>();

        var ex = await Assert.ThrowsAsync<LlmProviderException>(async () =>
        {
            await foreach (var u in sp.GetRequiredKeyedService<IChatClient>("local").GetStreamingResponseAsync(TestProviders.Conversation, cancellationToken: TestContext.Current.CancellationToken))
            {
                texts.Add(u.Text);
            }
        });

        Assert.Contains("Hel", texts);
        Assert.Equal(kind, ex.Kind);
        Assert.Equal(code, ex.ErrorCode);
        Assert.Equal("local", ex.Provider);
        Assert.Equal(kind, sp.GetRequiredKeyedService<LlmProvider>("local").Classify(ex).Kind);
    }

    [Fact]
    public async Task Streaming_VllmNumericErrorEvent_UsesItsStatus()
    {
        await using var vllm = new RawStreamServer("""{"error":{"object":"error","message":"The engine is not ready.","type":"ServiceUnavailableError","param":null,"code":503}}""");
        await vllm.StartAsync(TestContext.Current.CancellationToken);
        await using var sp2 = TestProviders.Build(b => b.AddOpenAICompatibleProvider("local", OpenAICompatiblePresets.VLlm, o => { o.Model = "m"; o.Endpoint = vllm.V1(); }));
        vllm.Enqueue(WireScenario.Stream(["Hel"]));

        var ex = await Assert.ThrowsAsync<LlmProviderException>(async () =>
        {
            await foreach (var _ in sp2.GetRequiredKeyedService<IChatClient>("local").GetStreamingResponseAsync(TestProviders.Conversation, cancellationToken: TestContext.Current.CancellationToken))
            {
            }
        });

        Assert.Equal(LlmFailureKind.ServerError, ex.Kind);
        Assert.Equal(503, ex.StatusCode);
        Assert.DoesNotContain("engine", ex.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Error_ServerEchoesAConfiguredHeaderValue_TheValueIsInNothingThrown(bool stream)
    {
        // A gateway credential sent in a configured header, in no shape the generic patterns know.
        const string Token = "Gw7hQ2zT9lX4vB8nC3rM";
        await using var sp = TestProviders.Build(b => b.AddOpenAICompatibleProvider(
            "local",
            o => { o.Model = "m"; o.Endpoint = _server.V1(); },
            o => o.Headers["X-Gateway-Token"] = Token));
        _server.Enqueue(WireScenario.Raw(401, "application/json", $$$"""{"error":{"message":"Gateway token {{{Token}}} was revoked.","type":"authentication_error"}}"""));
        var client = sp.GetRequiredKeyedService<IChatClient>("local");
        var ct = TestContext.Current.CancellationToken;

        var ex = await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            if (stream)
            {
                await foreach (var _ in client.GetStreamingResponseAsync(TestProviders.Conversation, cancellationToken: ct))
                {
                }
            }
            else
            {
                await client.GetResponseAsync(TestProviders.Conversation, cancellationToken: ct);
            }
        });

        Assert.Equal(Token, _server.Requests[0].Header("X-Gateway-Token"));
        Assert.Equal(LlmFailureKind.Authentication, sp.GetRequiredKeyedService<LlmProvider>("local").Classify(ex).Kind);
        Assert.DoesNotContain(Token, ex.ToString(), StringComparison.Ordinal);
        for (var e = ex; e is not null; e = e.InnerException)
        {
            Assert.DoesNotContain(Token, e.Message, StringComparison.Ordinal);
        }
    }

    /// <summary>Streams the scenario's deltas, then one given raw error event instead of the finish.</summary>
    private sealed class RawStreamServer(string errorEvent) : OpenAILoopbackServer
    {
        protected override Task WriteFinishAsync(HttpContext ctx, RecordedRequest req, bool toolCalls, int inTok, int outTok) => WriteSseAsync(ctx, null, errorEvent);
    }
}
