using System.Net;
using System.Text;
using System.Text.Json;
using LlmFallback.Conformance;
using LlmFallback.Samples.Gateway.Tests.Support;
using Microsoft.Extensions.Logging;

namespace LlmFallback.Samples.Gateway.Tests.Endpoints;

public sealed class ChatCompletionsEndpointTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task HandleAsync_NonStreaming_AnswersChatCompletionFromRoutedProvider()
    {
        await using var host = await GatewayHost.StartAsync();
        host.Primary.Enqueue(WireScenario.Text("Hello there", inputTokens: 9, outputTokens: 2));

        using var response = await host.Client.PostAsync("v1/chat/completions", GatewayHost.Chat("fast"), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await GatewayHost.JsonAsync(response);
        Assert.Equal("chat.completion", body.GetProperty("object").GetString());
        Assert.StartsWith("chatcmpl-", body.GetProperty("id").GetString(), StringComparison.Ordinal);
        Assert.Equal("model-a", body.GetProperty("model").GetString());
        var choice = body.GetProperty("choices")[0];
        Assert.Equal("assistant", choice.GetProperty("message").GetProperty("role").GetString());
        Assert.Equal("Hello there", choice.GetProperty("message").GetProperty("content").GetString());
        Assert.Equal("stop", choice.GetProperty("finish_reason").GetString());
        Assert.Equal(9, body.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(2, body.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
        Assert.Equal(11, body.GetProperty("usage").GetProperty("total_tokens").GetInt32());
        Assert.Equal("primary", response.Headers.GetValues("x-llmfallback-provider").Single());
        Assert.Equal("fast", response.Headers.GetValues("x-llmfallback-route").Single());
        var upstream = Assert.Single(host.Primary.Requests);
        Assert.Equal("model-a", upstream.Json.GetProperty("model").GetString());
        Assert.Equal("Bearer upstream-key", upstream.Header("Authorization"));
        Assert.Empty(host.Backup.Requests);
    }

    [Fact]
    public async Task HandleAsync_AliasAndProviderModel_SelectTheirRoutes()
    {
        await using var host = await GatewayHost.StartAsync();
        host.Primary.Enqueue(WireScenario.Text("via alias"));
        host.Backup.Enqueue(WireScenario.Text("via smart"));

        using var alias = await host.Client.PostAsync("v1/chat/completions", GatewayHost.Chat("default"), Ct);
        using var smart = await host.Client.PostAsync("v1/chat/completions", GatewayHost.Chat("smart"), Ct);

        Assert.Equal("primary", alias.Headers.GetValues("x-llmfallback-provider").Single());
        Assert.Equal("backup", smart.Headers.GetValues("x-llmfallback-provider").Single());
        Assert.Equal("via smart", (await GatewayHost.JsonAsync(smart)).GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString());
    }

    [Fact]
    public async Task HandleAsync_PrimaryFails_BackupAnswersAndHeadersSaySo()
    {
        await using var host = await GatewayHost.StartAsync();
        host.Primary.Enqueue(WireScenario.Error(WireError.ServerError));
        host.Backup.Enqueue(WireScenario.Text("from backup"));

        using var response = await host.Client.PostAsync("v1/chat/completions", GatewayHost.Chat("fast"), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("backup", response.Headers.GetValues("x-llmfallback-provider").Single());
        Assert.Equal("2", response.Headers.GetValues("x-llmfallback-attempts").Single());
        Assert.Equal("server_error", response.Headers.GetValues("x-llmfallback-fallback-reason").Single());
        Assert.Equal("model-b", (await GatewayHost.JsonAsync(response)).GetProperty("model").GetString());
    }

    [Fact]
    public async Task HandleAsync_Streaming_SendsChunksThenFinishThenDone()
    {
        await using var host = await GatewayHost.StartAsync();
        host.Primary.Enqueue(WireScenario.Stream(["Hel", "lo"]));

        using var response = await host.Client.PostAsync("v1/chat/completions", GatewayHost.Chat("fast", ""","stream":true"""), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType!.MediaType);
        var events = await GatewayHost.EventsAsync(response);
        Assert.Equal("[DONE]", events[^1]);
        var chunks = events[..^1].Select(e => JsonDocument.Parse(e).RootElement).ToList();
        Assert.All(chunks, c => Assert.Equal("chat.completion.chunk", c.GetProperty("object").GetString()));
        Assert.Single(chunks.Select(c => c.GetProperty("id").GetString()).Distinct());
        Assert.Equal("assistant", chunks[0].GetProperty("choices")[0].GetProperty("delta").GetProperty("role").GetString());
        var text = string.Concat(chunks.Select(c => c.GetProperty("choices")[0].GetProperty("delta").TryGetProperty("content", out var t) ? t.GetString() : null));
        Assert.Equal("Hello", text);
        Assert.Equal("stop", chunks[^1].GetProperty("choices")[0].GetProperty("finish_reason").GetString());
        Assert.Equal("primary", chunks[^1].GetProperty("llmfallback").GetProperty("provider").GetString());
        Assert.All(chunks, c => Assert.False(c.TryGetProperty("usage", out _)));
        Assert.True(Assert.Single(host.Primary.Requests).Json.GetProperty("stream").GetBoolean());
    }

    [Fact]
    public async Task HandleAsync_StreamingWithIncludeUsage_SendsUsageChunkWithoutChoicesBeforeDone()
    {
        await using var host = await GatewayHost.StartAsync();
        host.Primary.Enqueue(WireScenario.Stream(["Hi"], inputTokens: 13, outputTokens: 4));

        using var response = await host.Client.PostAsync("v1/chat/completions", GatewayHost.Chat("fast", ""","stream":true,"stream_options":{"include_usage":true}"""), Ct);

        var events = await GatewayHost.EventsAsync(response);
        Assert.Equal("[DONE]", events[^1]);
        var usageChunk = JsonDocument.Parse(events[^2]).RootElement;
        Assert.Equal(0, usageChunk.GetProperty("choices").GetArrayLength());
        Assert.Equal(13, usageChunk.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(4, usageChunk.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
        Assert.Equal(17, usageChunk.GetProperty("usage").GetProperty("total_tokens").GetInt32());
    }

    [Fact]
    public async Task HandleAsync_Tools_ForwardsDeclarationsAndReturnsToolCalls()
    {
        await using var host = await GatewayHost.StartAsync();
        host.Primary.Enqueue(WireScenario.ToolCall("call_7", "get_weather", """{"city":"Paris"}""", stream: false));
        const string Tools = ""","tools":[{"type":"function","function":{"name":"get_weather","description":"Weather now","parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}}],"tool_choice":"auto" """;

        using var response = await host.Client.PostAsync("v1/chat/completions", GatewayHost.Chat("fast", Tools), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var choice = (await GatewayHost.JsonAsync(response)).GetProperty("choices")[0];
        Assert.Equal("tool_calls", choice.GetProperty("finish_reason").GetString());
        var call = choice.GetProperty("message").GetProperty("tool_calls")[0];
        Assert.Equal("call_7", call.GetProperty("id").GetString());
        Assert.Equal("function", call.GetProperty("type").GetString());
        Assert.Equal("get_weather", call.GetProperty("function").GetProperty("name").GetString());
        Assert.Equal("Paris", JsonDocument.Parse(call.GetProperty("function").GetProperty("arguments").GetString()!).RootElement.GetProperty("city").GetString());
        var tool = Assert.Single(host.Primary.Requests).Json.GetProperty("tools")[0].GetProperty("function");
        Assert.Equal("get_weather", tool.GetProperty("name").GetString());
        Assert.Equal("string", tool.GetProperty("parameters").GetProperty("properties").GetProperty("city").GetProperty("type").GetString());
    }

    [Fact]
    public async Task HandleAsync_StreamedToolCall_SendsIndexedToolCallDeltas()
    {
        await using var host = await GatewayHost.StartAsync();
        host.Primary.Enqueue(WireScenario.ToolCall("call_9", "get_weather", """{"city":"Oslo"}""", stream: true));
        const string Tools = ""","stream":true,"tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object","properties":{"city":{"type":"string"}}}}}]""";

        using var response = await host.Client.PostAsync("v1/chat/completions", GatewayHost.Chat("fast", Tools), Ct);

        var events = await GatewayHost.EventsAsync(response);
        Assert.Equal("[DONE]", events[^1]);
        var chunks = events[..^1].Select(e => JsonDocument.Parse(e).RootElement).ToList();
        var call = chunks.Select(c => c.GetProperty("choices")[0].GetProperty("delta")).Single(d => d.TryGetProperty("tool_calls", out _)).GetProperty("tool_calls")[0];
        Assert.Equal(0, call.GetProperty("index").GetInt32());
        Assert.Equal("call_9", call.GetProperty("id").GetString());
        Assert.Equal("Oslo", JsonDocument.Parse(call.GetProperty("function").GetProperty("arguments").GetString()!).RootElement.GetProperty("city").GetString());
        Assert.Equal("tool_calls", chunks[^1].GetProperty("choices")[0].GetProperty("finish_reason").GetString());
    }

    [Fact]
    public async Task HandleAsync_ToolResultConversation_IsSentUpstreamPaired()
    {
        await using var host = await GatewayHost.StartAsync();
        host.Primary.Enqueue(WireScenario.Text("It is sunny."));
        const string Body = """
            {"model":"fast","messages":[
              {"role":"user","content":"Weather in Paris?"},
              {"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}}]},
              {"role":"tool","tool_call_id":"call_1","content":"sunny"}],
             "tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object","properties":{"city":{"type":"string"}}}}}]}
            """;

        using var response = await host.Client.PostAsync("v1/chat/completions", new StringContent(Body, Encoding.UTF8, "application/json"), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var messages = Assert.Single(host.Primary.Requests).Json.GetProperty("messages");
        Assert.Equal("call_1", messages[1].GetProperty("tool_calls")[0].GetProperty("id").GetString());
        Assert.Equal("tool", messages[2].GetProperty("role").GetString());
        Assert.Equal("call_1", messages[2].GetProperty("tool_call_id").GetString());
    }

    [Theory]
    [InlineData("nope")]
    [InlineData("model-z")]
    public async Task HandleAsync_UnknownModel_Returns404ModelNotFound(string model)
    {
        await using var host = await GatewayHost.StartAsync();

        using var response = await host.Client.PostAsync("v1/chat/completions", GatewayHost.Chat(model), Ct);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var error = (await GatewayHost.JsonAsync(response)).GetProperty("error");
        Assert.Equal("model_not_found", error.GetProperty("code").GetString());
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.Equal("model", error.GetProperty("param").GetString());
        Assert.Equal($"The model '{model}' does not exist or you do not have access to it.", error.GetProperty("message").GetString());
        Assert.Empty(host.Primary.Requests);
    }

    [Theory]
    [InlineData("{not json", "invalid_json", null)]
    [InlineData("""{"messages":[{"role":"user","content":"hi"}]}""", "missing_required_parameter", "model")]
    [InlineData("""{"model":"fast","messages":[]}""", "missing_required_parameter", "messages")]
    [InlineData("""{"model":"fast","messages":[{"role":"robot","content":"hi"}]}""", "invalid_value", "messages[0].role")]
    [InlineData("""{"model":"fast","temperature":3,"messages":[{"role":"user","content":"hi"}]}""", "invalid_value", "temperature")]
    [InlineData("""{"model":"fast","n":2,"messages":[{"role":"user","content":"hi"}]}""", "unsupported_value", "n")]
    [InlineData("""{"model":"fast","tools":[{"type":"function","function":{"name":"bad name!"}}],"messages":[{"role":"user","content":"hi"}]}""", "invalid_value", "tools[0].function.name")]
    public async Task HandleAsync_InvalidRequest_Returns400NamingTheParameter(string body, string code, string? param)
    {
        await using var host = await GatewayHost.StartAsync();

        using var response = await host.Client.PostAsync("v1/chat/completions", new StringContent(body, Encoding.UTF8, "application/json"), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = (await GatewayHost.JsonAsync(response)).GetProperty("error");
        Assert.Equal(code, error.GetProperty("code").GetString());
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.Equal(param, error.GetProperty("param").GetString());
        Assert.Empty(host.Primary.Requests);
    }

    [Theory]
    [InlineData("""{"model":"fast","tool_choice":{"type":"function","function":{"name":5}},"messages":[{"role":"user","content":"hi"}]}""", "tool_choice")]
    [InlineData("""{"model":"fast","messages":[{"role":"user","content":[{"type":"input_audio","input_audio":{"data":"AAAA","format":5}}]}]}""", "messages[0].content[0].input_audio")]
    [InlineData("""{"model":"fast","messages":[{"role":"user","content":"\udc00"}]}""", "messages[0].content")]
    [InlineData("""{"model":"fast","messages":[{"role":"user","content":[{"type":"text","text":"a\ud800"}]}]}""", "messages[0].content[0].text")]
    [InlineData("""{"model":"fast","messages":[{"role":"user","content":"hi"}],"stop":["\ud800"]}""", "stop")]
    [InlineData("""{"model":"fast","messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"https://example.test/\udc00"}}]}]}""", "messages[0].content[0].image_url.url")]
    public async Task HandleAsync_WrongJsonKindOrUnpairedSurrogate_Returns400NamingTheParameter(string body, string param)
    {
        await using var host = await GatewayHost.StartAsync();

        using var response = await host.Client.PostAsync("v1/chat/completions", new StringContent(body, Encoding.UTF8, "application/json"), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = (await GatewayHost.JsonAsync(response)).GetProperty("error");
        Assert.Equal("invalid_value", error.GetProperty("code").GetString());
        Assert.Equal(param, error.GetProperty("param").GetString());
        Assert.Empty(host.Primary.Requests);
        Assert.DoesNotContain(host.Logs.Entries, e => e.Level >= LogLevel.Error);
    }

    [Theory]
    [InlineData("""{"model":"fast","tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object","properties":5}}}],"messages":[{"role":"user","content":"hi"}]}""", "tools[0].function.parameters.properties")]
    [InlineData("""{"model":"fast","tools":[{"type":"function","function":{"name":"f","parameters":{"Type":"object","PROPERTIES":[]}}}],"messages":[{"role":"user","content":"hi"}]}""", "tools[0].function.parameters.properties")]
    [InlineData("""{"model":"fast","tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object","required":"city"}}}],"messages":[{"role":"user","content":"hi"}]}""", "tools[0].function.parameters.required")]
    [InlineData("""{"model":"fast","tools":[{"type":"function","function":{"name":"f","parameters":{"type":["object","null"]}}}],"messages":[{"role":"user","content":"hi"}]}""", "tools[0].function.parameters.type")]
    [InlineData("""{"model":"fast","tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object","properties":{"\udc00":{}}}}}],"messages":[{"role":"user","content":"hi"}]}""", "tools[0].function.parameters")]
    [InlineData("""{"model":"fast","response_format":{"type":"json_schema","json_schema":{"name":"n","schema":{"type":"object","description":"\udc00"}}},"messages":[{"role":"user","content":"hi"}]}""", "response_format.json_schema.schema")]
    [InlineData("""{"model":"fast","messages":[{"role":"assistant","content":null,"tool_calls":[{"id":"c","type":"function","function":{"name":"f","arguments":"{\"a\":\"\\udc00\"}"}}]},{"role":"tool","tool_call_id":"c","content":"x"}]}""", "messages[0].tool_calls[0].function.arguments")]
    public async Task HandleAsync_SchemaOrJsonNoAdapterCanWrite_Returns400AndLeavesProvidersHealthy(string body, string param)
    {
        await using var host = await GatewayHost.StartAsync();
        host.Primary.Enqueue(WireScenario.Text("still here"));

        using var rejected = await host.Client.PostAsync("v1/chat/completions", new StringContent(body, Encoding.UTF8, "application/json"), Ct);
        using var next = await host.Client.PostAsync("v1/chat/completions", GatewayHost.Chat("fast"), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, rejected.StatusCode);
        var error = (await GatewayHost.JsonAsync(rejected)).GetProperty("error");
        Assert.Equal("invalid_value", error.GetProperty("code").GetString());
        Assert.Equal(param, error.GetProperty("param").GetString());
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
        Assert.Equal("primary", next.Headers.GetValues("x-llmfallback-provider").Single());
    }

    [Fact]
    public async Task HandleAsync_TooManyMessagesForInputValidation_Returns400InvalidInput()
    {
        await using var host = await GatewayHost.StartAsync(s => s["Llm:InputValidation:MaxMessages"] = "1");

        using var response = await host.Client.PostAsync("v1/chat/completions", GatewayHost.Chat("fast"), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_input", (await GatewayHost.JsonAsync(response)).GetProperty("error").GetProperty("code").GetString());
        Assert.Empty(host.Primary.Requests);
    }

    [Fact]
    public async Task HandleAsync_EveryProviderFails_Returns502WithoutProviderText()
    {
        await using var host = await GatewayHost.StartAsync();
        host.Primary.Enqueue(WireScenario.Error(WireError.ServerError));
        host.Backup.Enqueue(WireScenario.Error(WireError.ServerError));

        using var response = await host.Client.PostAsync("v1/chat/completions", GatewayHost.Chat("fast"), Ct);

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        var error = (await GatewayHost.JsonAsync(response)).GetProperty("error");
        Assert.Equal("providers_failed", error.GetProperty("code").GetString());
        Assert.Equal("server_error", error.GetProperty("type").GetString());
        Assert.Equal("Every provider failed to answer (2 attempts). Try again in 60 s.", error.GetProperty("message").GetString());
        Assert.Single(host.Primary.Requests);
        Assert.Single(host.Backup.Requests);
    }

    [Fact]
    public async Task HandleAsync_EveryProviderCoolingDownAfter429_Returns503WithRetryAfterAndCallsNobody()
    {
        await using var host = await GatewayHost.StartAsync(s =>
        {
            s["Llm:Providers:primary:Resilience:CircuitBreaker:ConsecutiveFailures"] = "5";
            s["Llm:Providers:backup:Resilience:CircuitBreaker:ConsecutiveFailures"] = "5";
        });
        host.Primary.Enqueue(WireScenario.Error(WireError.RateLimited, retryAfter: "120"));
        host.Backup.Enqueue(WireScenario.Error(WireError.RateLimited, retryAfter: "90"));

        using var failed = await host.Client.PostAsync("v1/chat/completions", GatewayHost.Chat("fast"), Ct);
        using var unavailable = await host.Client.PostAsync("v1/chat/completions", GatewayHost.Chat("fast"), Ct);

        Assert.Equal((HttpStatusCode)429, failed.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, unavailable.StatusCode);
        var error = (await GatewayHost.JsonAsync(unavailable)).GetProperty("error");
        Assert.Equal("providers_unavailable", error.GetProperty("code").GetString());
        Assert.Equal(TimeSpan.FromSeconds(90), unavailable.Headers.RetryAfter?.Delta);
        Assert.Equal("90000", unavailable.Headers.GetValues("retry-after-ms").Single());
        Assert.Single(host.Primary.Requests);
        Assert.Single(host.Backup.Requests);
    }

    [Fact]
    public async Task HandleAsync_StreamCutAfterItStarted_EndsWithErrorEventAndNoDone()
    {
        await using var host = await GatewayHost.StartAsync(s => s["Llm:Fallback:Streaming:Rescue"] = "None");
        var cut = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        host.Primary.Enqueue(WireScenario.StreamCut(["Hel", "lo"], cutAfter: cut.Task));
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions") { Content = GatewayHost.Chat("fast", ""","stream":true""") };

        using var response = await host.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, Ct);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(Ct));
        var received = new StringBuilder();
        while (!received.ToString().Contains("\"lo\"", StringComparison.Ordinal))
        {
            received.AppendLine(await reader.ReadLineAsync(Ct).AsTask().WaitAsync(TimeSpan.FromSeconds(10), Ct));
        }

        cut.SetResult();
        received.Append(await reader.ReadToEndAsync(Ct).WaitAsync(TimeSpan.FromSeconds(10), Ct));
        var text = received.ToString();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("event: error", text, StringComparison.Ordinal);
        Assert.DoesNotContain("[DONE]", text, StringComparison.Ordinal);
        var last = text.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1];
        var error = JsonDocument.Parse(last["data: ".Length..]).RootElement.GetProperty("error");
        Assert.Equal("server_error", error.GetProperty("type").GetString());
    }

    [Fact]
    public async Task HandleAsync_StreamingAndEveryProviderFailsFirst_ReturnsPlainErrorStatus()
    {
        await using var host = await GatewayHost.StartAsync();
        host.Primary.Enqueue(WireScenario.Error(WireError.ServerError));
        host.Backup.Enqueue(WireScenario.Error(WireError.Unavailable));

        using var response = await host.Client.PostAsync("v1/chat/completions", GatewayHost.Chat("fast", ""","stream":true"""), Ct);

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("providers_failed", (await GatewayHost.JsonAsync(response)).GetProperty("error").GetProperty("code").GetString());
    }

    [Fact]
    public async Task HandleAsync_UpstreamRateLimitsEverywhere_Returns429WithRetryAfter()
    {
        await using var host = await GatewayHost.StartAsync();
        host.Primary.Enqueue(WireScenario.Error(WireError.RateLimited, retryAfter: "30"));
        host.Backup.Enqueue(WireScenario.Error(WireError.RateLimited, retryAfter: "20"));

        using var response = await host.Client.PostAsync("v1/chat/completions", GatewayHost.Chat("fast"), Ct);

        Assert.Equal((HttpStatusCode)429, response.StatusCode);
        Assert.Equal("rate_limit_exceeded", (await GatewayHost.JsonAsync(response)).GetProperty("error").GetProperty("code").GetString());
        Assert.True(response.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task HandleAsync_BodyOverLimit_Returns413()
    {
        await using var host = await GatewayHost.StartAsync(s => s["Gateway:MaxRequestBodyBytes"] = "2048");
        var big = new string('x', 4096);

        using var response = await host.Client.PostAsync("v1/chat/completions", GatewayHost.Chat("fast", $$""","user":"{{big}}" """), Ct);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("request_too_large", (await GatewayHost.JsonAsync(response)).GetProperty("error").GetProperty("code").GetString());
    }

    [Fact]
    public async Task HandleAsync_UnknownEndpoint_Returns404OpenAIError()
    {
        await using var host = await GatewayHost.StartAsync();

        using var response = await host.Client.PostAsync("v1/embeddings", GatewayHost.Chat("fast"), Ct);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("unknown_url", (await GatewayHost.JsonAsync(response)).GetProperty("error").GetProperty("code").GetString());
    }
}
