using System.Text.Json;
using LlmFallback.Conformance;
using Microsoft.Extensions.DependencyInjection;

namespace LlmFallback.Gemini.Tests.Conformance;

/// <summary>The shared provider conformance suite, run against the Gemini adapter through its real DI registration.</summary>
public sealed class GeminiConformanceTests : ProviderConformanceTests<GeminiLoopbackServer>
{
    private readonly List<ServiceProvider> _services = [];

    protected override string Model => "gemini-2.5-flash";

    protected override bool SupportsRetryInfo => true;

    protected override bool HasToolCallIds => false;

    public override async ValueTask DisposeAsync()
    {
        foreach (var sp in _services)
        {
            await sp.DisposeAsync();
        }

        await base.DisposeAsync();
    }

    protected override LlmProvider CreateProvider(Uri baseAddress, TimeProvider timeProvider)
    {
        var services = new ServiceCollection();
        services.AddSingleton(timeProvider);
        services.AddSingleton(LoggerFactory);
        services.AddLlmProviders().AddGeminiProvider("gemini", o =>
        {
            o.Model = Model;
            o.ApiKey = ApiKey;
            o.Endpoint = baseAddress;
        });
        var sp = services.BuildServiceProvider();
        _services.Add(sp);
        return sp.GetRequiredKeyedService<LlmProvider>("gemini");
    }

    protected override void AssertRequest(RecordedRequest request, ExpectedRequest expected)
    {
        Assert.Equal("POST", request.Method);
        Assert.Equal($"/v1beta/models/{expected.Model}:{(expected.Stream ? "streamGenerateContent" : "generateContent")}", request.Path);
        Assert.Equal(expected.Stream ? "?alt=sse" : string.Empty, request.QueryString);

        // The key only in its header: never in the URL, never as a bearer token.
        Assert.Equal(ApiKey, request.Header("x-goog-api-key"));
        Assert.DoesNotContain(ApiKey, request.Path + request.QueryString, StringComparison.Ordinal);
        Assert.DoesNotContain("key=", request.QueryString, StringComparison.OrdinalIgnoreCase);
        Assert.Null(request.Header("Authorization"));
        Assert.StartsWith("application/json", request.Header("Content-Type"), StringComparison.Ordinal);

        var json = request.Json;
        Assert.False(json.TryGetProperty("model", out _), "the model is in the path, not the body");
        Assert.False(json.TryGetProperty("stream", out _), "streaming is chosen by the method, not a body flag");
        var system = json.GetProperty("systemInstruction").GetProperty("parts");
        Assert.Equal(expected.SystemPrompt, Assert.Single(system.EnumerateArray()).GetProperty("text").GetString());

        var contents = json.GetProperty("contents").EnumerateArray().ToArray();
        Assert.Equal("user", contents[0].GetProperty("role").GetString());
        Assert.Equal(expected.UserText, contents[0].GetProperty("parts")[0].GetProperty("text").GetString());
        Assert.DoesNotContain(contents, c => c.GetProperty("role").GetString() is not ("user" or "model"));

        if (expected.WithTools)
        {
            var declaration = Assert.Single(json.GetProperty("tools").EnumerateArray()).GetProperty("functionDeclarations")[0];
            Assert.Equal("get_weather", declaration.GetProperty("name").GetString());
            Assert.Equal("Gets the weather for a city.", declaration.GetProperty("description").GetString());
            var schema = declaration.GetProperty("parametersJsonSchema");
            Assert.Equal("string", schema.GetProperty("properties").GetProperty("city").GetProperty("type").GetString());
            Assert.Equal("city", schema.GetProperty("required")[0].GetString());
        }
        else
        {
            Assert.False(json.TryGetProperty("tools", out _));
        }

        if (expected.WithToolResult)
        {
            Assert.Equal(3, contents.Length);
            Assert.Equal("model", contents[1].GetProperty("role").GetString());
            var call = contents[1].GetProperty("parts")[0].GetProperty("functionCall");
            Assert.Equal("get_weather", call.GetProperty("name").GetString());
            Assert.Equal("Paris", call.GetProperty("args").GetProperty("city").GetString());
            Assert.False(call.TryGetProperty("id", out _), "ids the adapter made up are not sent");

            Assert.Equal("user", contents[2].GetProperty("role").GetString());
            var result = contents[2].GetProperty("parts")[0].GetProperty("functionResponse");
            Assert.Equal("get_weather", result.GetProperty("name").GetString());
            Assert.Equal("sunny", result.GetProperty("response").GetProperty("output").GetString());
            Assert.False(result.TryGetProperty("id", out _));
        }
        else
        {
            Assert.Single(contents);
        }

        // No option was set, so no generationConfig is sent (the API's defaults apply).
        Assert.False(json.TryGetProperty("generationConfig", out _));
        Assert.Equal(JsonValueKind.Object, json.ValueKind);
    }
}
