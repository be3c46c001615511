using System.Text.Json;
using LlmFallback.Conformance;
using LlmFallback.OpenAI.Tests.Wire;
using Microsoft.Extensions.DependencyInjection;

namespace LlmFallback.OpenAI.Tests.Conformance;

/// <summary>
/// The shared conformance suite for one OpenAI-style provider type: the provider is made through the real DI
/// registration, and every request is checked against the Chat Completions shape.
/// </summary>
public abstract class OpenAIConformanceTestsBase<TServer> : ProviderConformanceTests<TServer>
    where TServer : LoopbackProviderServer, new()
{
    private readonly List<ServiceProvider> _services = [];

    /// <summary>Gets the request path the provider type must call.</summary>
    protected abstract string ExpectedPath { get; }

    public override async ValueTask DisposeAsync()
    {
        foreach (var sp in _services)
        {
            await sp.DisposeAsync();
        }

        await base.DisposeAsync();
    }

    /// <summary>Registers the provider named <c>p</c> pointed at <paramref name="baseAddress"/>.</summary>
    protected abstract void Register(LlmProvidersBuilder builder, Uri baseAddress);

    /// <summary>Asserts the request's authentication headers.</summary>
    protected abstract void AssertAuthentication(RecordedRequest request);

    protected override LlmProvider CreateProvider(Uri baseAddress, TimeProvider timeProvider)
    {
        var sp = TestProviders.Build(b => Register(b, baseAddress), time: timeProvider, services: s => s.AddSingleton(LoggerFactory));
        _services.Add(sp);
        return sp.GetRequiredKeyedService<LlmProvider>("p");
    }

    protected override void AssertRequest(RecordedRequest request, ExpectedRequest expected)
    {
        Assert.Equal("POST", request.Method);
        Assert.Equal(ExpectedPath, request.Path);
        Assert.DoesNotContain(ApiKey, request.Path + request.QueryString, StringComparison.Ordinal);
        Assert.StartsWith("application/json", request.Header("Content-Type"), StringComparison.Ordinal);
        AssertAuthentication(request);

        var body = request.Json;
        Assert.Equal(expected.Model, body.GetProperty("model").GetString());
        var messages = body.GetProperty("messages");
        Assert.Equal("system", messages[0].GetProperty("role").GetString());
        Assert.Equal(expected.SystemPrompt, messages[0].GetProperty("content").GetString());
        Assert.Equal("user", messages[1].GetProperty("role").GetString());
        Assert.Equal(expected.UserText, messages[1].GetProperty("content").GetString());

        if (expected.Stream)
        {
            Assert.True(body.GetProperty("stream").GetBoolean());
            Assert.True(body.GetProperty("stream_options").GetProperty("include_usage").GetBoolean());
        }
        else
        {
            Assert.False(body.TryGetProperty("stream", out var stream) && stream.GetBoolean());
        }

        if (expected.WithTools)
        {
            var tool = Assert.Single(body.GetProperty("tools").EnumerateArray());
            Assert.Equal("function", tool.GetProperty("type").GetString());
            var function = tool.GetProperty("function");
            Assert.Equal("get_weather", function.GetProperty("name").GetString());
            Assert.Equal("string", function.GetProperty("parameters").GetProperty("properties").GetProperty("city").GetProperty("type").GetString());
        }
        else
        {
            Assert.False(body.TryGetProperty("tools", out _));
        }

        if (expected.WithToolResult)
        {
            Assert.Equal(4, messages.GetArrayLength());
            var call = Assert.Single(messages[2].GetProperty("tool_calls").EnumerateArray());
            Assert.Equal("assistant", messages[2].GetProperty("role").GetString());
            Assert.Equal("call_1", call.GetProperty("id").GetString());
            Assert.Equal("function", call.GetProperty("type").GetString());
            Assert.Equal("get_weather", call.GetProperty("function").GetProperty("name").GetString());
            using (var arguments = JsonDocument.Parse(call.GetProperty("function").GetProperty("arguments").GetString()!))
            {
                Assert.Equal("Paris", arguments.RootElement.GetProperty("city").GetString());
            }

            Assert.Equal("tool", messages[3].GetProperty("role").GetString());
            Assert.Equal("call_1", messages[3].GetProperty("tool_call_id").GetString());
            Assert.Equal("sunny", messages[3].GetProperty("content").GetString());
        }
        else
        {
            Assert.Equal(2, messages.GetArrayLength());
        }
    }
}

/// <summary>OpenAI: <c>POST /v1/chat/completions</c> with a bearer key.</summary>
public sealed class OpenAIConformanceTests : OpenAIConformanceTestsBase<OpenAILoopbackServer>
{
    protected override string ExpectedPath => "/v1/chat/completions";

    protected override void Register(LlmProvidersBuilder builder, Uri baseAddress) =>
        builder.AddOpenAIProvider("p", o => { o.Model = Model; o.Endpoint = new(baseAddress, "v1"); o.ApiKey = ApiKey; });

    protected override void AssertAuthentication(RecordedRequest request)
    {
        Assert.Equal("Bearer " + ApiKey, request.Header("Authorization"));
        Assert.Null(request.Header("api-key"));
    }
}

/// <summary>Azure OpenAI v1: <c>POST /openai/v1/chat/completions</c>, no api-version, key in the <c>api-key</c> header.</summary>
public sealed class AzureOpenAIConformanceTests : OpenAIConformanceTestsBase<AzureOpenAILoopbackServer>
{
    protected override string ExpectedPath => "/openai/v1/chat/completions";

    protected override void Register(LlmProvidersBuilder builder, Uri baseAddress) =>
        builder.AddAzureOpenAIProvider("p", o => { o.Model = Model; o.Endpoint = baseAddress; o.ApiKey = ApiKey; });

    protected override void AssertAuthentication(RecordedRequest request)
    {
        Assert.Equal(ApiKey, request.Header("api-key"));
        Assert.Null(request.Header("Authorization"));
        Assert.Equal(string.Empty, request.QueryString);
    }
}

/// <summary>vLLM through the OpenAI-compatible preset: <c>POST /v1/chat/completions</c>, bearer key when one is set.</summary>
public sealed class VllmConformanceTests : OpenAIConformanceTestsBase<VllmLoopbackServer>
{
    protected override string ExpectedPath => "/v1/chat/completions";

    protected override void Register(LlmProvidersBuilder builder, Uri baseAddress) =>
        builder.AddOpenAICompatibleProvider("p", OpenAICompatiblePresets.VLlm, o => { o.Model = Model; o.Endpoint = new(baseAddress, "v1"); o.ApiKey = ApiKey; });

    protected override void AssertAuthentication(RecordedRequest request) => Assert.Equal("Bearer " + ApiKey, request.Header("Authorization"));
}
