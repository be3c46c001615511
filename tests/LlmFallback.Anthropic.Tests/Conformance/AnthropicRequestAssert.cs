using System.Text.Json;
using LlmFallback.Conformance;

namespace LlmFallback.Anthropic.Tests;

/// <summary>Asserts a recorded request has the Messages API's documented shape.</summary>
internal static class AnthropicRequestAssert
{
    public static void Matches(RecordedRequest request, string model, bool stream, bool withTools, bool withToolResult, string systemPrompt, string userText)
    {
        Assert.Equal("POST", request.Method);
        Assert.Equal("/v1/messages", request.Path);
        Assert.Equal(string.Empty, request.QueryString);
        Assert.Equal(AnthropicTestServices.ApiKey, request.Headers["x-api-key"]);
        Assert.Equal(AnthropicProviderOptions.DefaultApiVersion, request.Headers["anthropic-version"]);
        Assert.False(request.Headers.ContainsKey("Authorization"), "the key goes in x-api-key only");
        Assert.StartsWith("application/json", request.Headers["Content-Type"], StringComparison.Ordinal);

        var json = request.Json;
        Assert.Equal(model, json.GetProperty("model").GetString());
        Assert.True(json.GetProperty("max_tokens").GetInt32() > 0);
        Assert.Equal(stream, json.TryGetProperty("stream", out var streamFlag) && streamFlag.GetBoolean());
        Assert.Equal(systemPrompt, Text(json.GetProperty("system")));

        var messages = json.GetProperty("messages");
        Assert.Equal("user", messages[0].GetProperty("role").GetString());
        Assert.Equal(userText, Text(messages[0].GetProperty("content")));
        foreach (var message in messages.EnumerateArray())
        {
            Assert.Contains(message.GetProperty("role").GetString(), new[] { "user", "assistant" });
        }

        Assert.Equal(withTools, json.TryGetProperty("tools", out var tools));
        if (withTools)
        {
            var tool = Assert.Single(tools.EnumerateArray());
            Assert.Equal("get_weather", tool.GetProperty("name").GetString());
            var schema = tool.GetProperty("input_schema");
            Assert.Equal("object", schema.GetProperty("type").GetString());
            Assert.Equal("string", schema.GetProperty("properties").GetProperty("city").GetProperty("type").GetString());
        }

        if (withToolResult)
        {
            Assert.Equal(3, messages.GetArrayLength());
            var toolUse = Block(messages[1], "assistant", "tool_use");
            Assert.Equal("call_1", toolUse.GetProperty("id").GetString());
            Assert.Equal("get_weather", toolUse.GetProperty("name").GetString());
            Assert.Equal(JsonValueKind.Object, toolUse.GetProperty("input").ValueKind);
            var toolResult = Block(messages[2], "user", "tool_result");
            Assert.Equal("call_1", toolResult.GetProperty("tool_use_id").GetString());
            Assert.Contains("sunny", Text(toolResult.GetProperty("content")), StringComparison.Ordinal);
        }
        else
        {
            Assert.Equal(1, messages.GetArrayLength());
        }
    }

    private static JsonElement Block(JsonElement message, string role, string type)
    {
        Assert.Equal(role, message.GetProperty("role").GetString());
        return Assert.Single(message.GetProperty("content").EnumerateArray(), b => b.GetProperty("type").GetString() == type);
    }

    /// <summary>The API takes <c>system</c> and <c>content</c> as a string or as text blocks.</summary>
    private static string Text(JsonElement value) => value.ValueKind == JsonValueKind.String
        ? value.GetString()!
        : string.Concat(value.EnumerateArray().Where(b => b.GetProperty("type").GetString() == "text").Select(b => b.GetProperty("text").GetString()));
}
