using System.Text.Json;

namespace LlmFallback.Gemini.Tests;

public partial class GeminiRequestBuilderTests
{
    private static JsonElement Build(IEnumerable<ChatMessage> messages, ChatOptions? options = null, string model = "gemini-2.5-flash") =>
        JsonSerializer.SerializeToElement(GeminiRequestBuilder.Build(messages, options, model, null, out _), GeminiJsonContext.Default.GenerateContentRequest);

    [Fact]
    public void Build_SystemMessagesAndInstructions_BecomeSystemInstructionParts()
    {
        var json = Build(
            [new(ChatRole.System, "You are terse."), new(ChatRole.User, "Say hi"), new(ChatRole.System, "Answer in English.")],
            new ChatOptions { Instructions = "Be kind." });

        var parts = json.GetProperty("systemInstruction").GetProperty("parts");
        Assert.Equal(new string?[] { "Be kind.", "You are terse.", "Answer in English." }, parts.EnumerateArray().Select(p => p.GetProperty("text").GetString()).ToArray());
        Assert.False(json.GetProperty("systemInstruction").TryGetProperty("role", out _));
        var contents = json.GetProperty("contents");
        Assert.Equal(1, contents.GetArrayLength());
        Assert.Equal("user", contents[0].GetProperty("role").GetString());
        Assert.Equal("Say hi", contents[0].GetProperty("parts")[0].GetProperty("text").GetString());
    }

    [Fact]
    public void Build_NoOptions_SendsOnlyContents()
    {
        var json = Build([new(ChatRole.User, "Hi")]);

        Assert.Equal(["contents"], json.EnumerateObject().Select(p => p.Name).ToArray());
    }

    [Fact]
    public void Build_Roles_MapToUserAndModelAndConsecutiveTurnsMerge()
    {
        var json = Build(
        [
            new(ChatRole.User, "one"),
            new(ChatRole.User, "two"),
            new(ChatRole.Assistant, "three"),
            new(ChatRole.User, "four"),
            new(ChatRole.Assistant, "prefill"),
        ]);

        var contents = json.GetProperty("contents").EnumerateArray().ToArray();
        Assert.Equal(new string?[] { "user", "model", "user", "model" }, contents.Select(c => c.GetProperty("role").GetString()).ToArray());
        Assert.Equal(2, contents[0].GetProperty("parts").GetArrayLength());
        Assert.Equal("prefill", contents[3].GetProperty("parts")[0].GetProperty("text").GetString());
    }

    [Fact]
    public void Build_EmptyMessages_AreLeftOut()
    {
        var json = Build([new(ChatRole.User, "Hi"), new(ChatRole.Assistant, []), new(ChatRole.Assistant, string.Empty), new(ChatRole.User, "again")]);

        var contents = json.GetProperty("contents");
        Assert.Equal(1, contents.GetArrayLength());
        Assert.Equal(2, contents[0].GetProperty("parts").GetArrayLength());
    }

    [Fact]
    public void Build_DataContent_BecomesInlineData()
    {
        byte[] png = [0x89, 0x50, 0x4E, 0x47, 1, 2, 3];
        var json = Build([new(ChatRole.User, [new TextContent("What is this?"), new DataContent(png, "image/png")])]);

        var part = json.GetProperty("contents")[0].GetProperty("parts")[1].GetProperty("inlineData");
        Assert.Equal("image/png", part.GetProperty("mimeType").GetString());
        Assert.Equal(png, Convert.FromBase64String(part.GetProperty("data").GetString()!));
    }

    [Fact]
    public void Build_DataUri_SendsItsBase64WithoutReencoding()
    {
        var json = Build([new(ChatRole.User, [new DataContent("data:image/jpeg;base64,AQID")])]);

        var part = json.GetProperty("contents")[0].GetProperty("parts")[0].GetProperty("inlineData");
        Assert.Equal("image/jpeg", part.GetProperty("mimeType").GetString());
        Assert.Equal("AQID", part.GetProperty("data").GetString());
    }

    [Fact]
    public void Build_UriContent_BecomesFileData()
    {
        var json = Build([new(ChatRole.User, [new UriContent(new Uri("https://generativelanguage.googleapis.com/v1beta/files/abc-123"), "application/pdf")])]);

        var part = json.GetProperty("contents")[0].GetProperty("parts")[0].GetProperty("fileData");
        Assert.Equal("application/pdf", part.GetProperty("mimeType").GetString());
        Assert.Equal("https://generativelanguage.googleapis.com/v1beta/files/abc-123", part.GetProperty("fileUri").GetString());
    }

    [Fact]
    public void Build_ToolRoundTrip_SendsFunctionCallAndFunctionResponseWithName()
    {
        var call = new FunctionCallContent("gemini_00000000000000ab", "get_weather", new Dictionary<string, object?> { ["city"] = "Paris", ["days"] = 2 });
        var json = Build(
        [
            new(ChatRole.User, "Weather?"),
            new(ChatRole.Assistant, [call]),
            new(ChatRole.Tool, [new FunctionResultContent("gemini_00000000000000ab", "sunny")]),
        ]);

        var contents = json.GetProperty("contents");
        var functionCall = contents[1].GetProperty("parts")[0].GetProperty("functionCall");
        Assert.Equal("model", contents[1].GetProperty("role").GetString());
        Assert.Equal("get_weather", functionCall.GetProperty("name").GetString());
        Assert.Equal("Paris", functionCall.GetProperty("args").GetProperty("city").GetString());
        Assert.Equal(2, functionCall.GetProperty("args").GetProperty("days").GetInt32());
        Assert.False(functionCall.TryGetProperty("id", out _)); // made-up ids stay here

        var response = contents[2].GetProperty("parts")[0].GetProperty("functionResponse");
        Assert.Equal("user", contents[2].GetProperty("role").GetString());
        Assert.Equal("get_weather", response.GetProperty("name").GetString());
        Assert.Equal("sunny", response.GetProperty("response").GetProperty("output").GetString());
        Assert.False(response.TryGetProperty("id", out _));
    }

    [Fact]
    public void Build_ApiCallIds_AreEchoedInCallAndResponse()
    {
        var json = Build(
        [
            new(ChatRole.Assistant, [new FunctionCallContent("call_1", "get_weather", new Dictionary<string, object?> { ["city"] = "Oslo" })]),
            new(ChatRole.Tool, [new FunctionResultContent("call_1", JsonElement.Parse("""{"temp":3}"""))]),
        ]);

        var contents = json.GetProperty("contents");
        Assert.Equal("call_1", contents[0].GetProperty("parts")[0].GetProperty("functionCall").GetProperty("id").GetString());
        var response = contents[1].GetProperty("parts")[0].GetProperty("functionResponse");
        Assert.Equal("call_1", response.GetProperty("id").GetString());
        Assert.Equal(3, response.GetProperty("response").GetProperty("output").GetProperty("temp").GetInt32());
    }

    [Fact]
    public void Build_FailedFunction_SendsErrorKey()
    {
        var json = Build(
        [
            new(ChatRole.Assistant, [new FunctionCallContent("c", "f")]),
            new(ChatRole.Tool, [new FunctionResultContent("c", "Error: Function failed.") { Exception = new InvalidOperationException("boom") }]),
        ]);

        var response = json.GetProperty("contents")[1].GetProperty("parts")[0].GetProperty("functionResponse").GetProperty("response");
        Assert.Equal("Error: Function failed.", response.GetProperty("error").GetString());
        Assert.False(response.TryGetProperty("output", out _));
    }

    [Fact]
    public void Build_NullResultAndNoArguments_AreValidJson()
    {
        var json = Build(
        [
            new(ChatRole.Assistant, [new FunctionCallContent("c", "f")]),
            new(ChatRole.Tool, [new FunctionResultContent("c", null)]),
        ]);

        Assert.False(json.GetProperty("contents")[0].GetProperty("parts")[0].GetProperty("functionCall").TryGetProperty("args", out _));
        Assert.Equal(JsonValueKind.Null, json.GetProperty("contents")[1].GetProperty("parts")[0].GetProperty("functionResponse").GetProperty("response").GetProperty("output").ValueKind);
    }

    [Fact]
    public void Build_ResultWithoutMatchingCall_ThrowsNamingMessages()
    {
        var ex = Assert.Throws<ArgumentException>(() => GeminiRequestBuilder.Build([new(ChatRole.Tool, [new FunctionResultContent("orphan", "x")])], null, "gemini-2.5-flash", null, out _));

        Assert.Equal("messages", ex.ParamName);
        Assert.Contains("'orphan'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_ThoughtSignatures_TravelBackWithTheirParts()
    {
        var call = new FunctionCallContent("c", "f") { AdditionalProperties = new() { [GeminiChatClient.ThoughtSignatureKey] = "sig-call" } };
        var text = new TextContent("done") { AdditionalProperties = new() { [GeminiChatClient.ThoughtSignatureKey] = "sig-text" } };
        var json = Build([new(ChatRole.Assistant, [new TextReasoningContent("thinking") { ProtectedData = "sig-thought" }, new TextReasoningContent("no signature"), call, text])]);

        var parts = json.GetProperty("contents")[0].GetProperty("parts");
        Assert.Equal(3, parts.GetArrayLength());
        Assert.True(parts[0].GetProperty("thought").GetBoolean());
        Assert.Equal("sig-thought", parts[0].GetProperty("thoughtSignature").GetString());
        Assert.Equal("sig-call", parts[1].GetProperty("thoughtSignature").GetString());
        Assert.Equal("sig-text", parts[2].GetProperty("thoughtSignature").GetString());
    }

    [Fact]
    public void Build_EveryGenerationOption_IsSent()
    {
        var options = new ChatOptions
        {
            Temperature = 0.25f,
            TopP = 0.5f,
            TopK = 40,
            MaxOutputTokens = 256,
            StopSequences = ["END", "STOP"],
            PresencePenalty = 0.1f,
            FrequencyPenalty = 0.2f,
            Seed = 42,
            Reasoning = new ReasoningOptions { Output = ReasoningOutput.Summary },
        };

        var config = Build([new(ChatRole.User, "Hi")], options).GetProperty("generationConfig");

        Assert.Equal(0.25, config.GetProperty("temperature").GetDouble(), 3);
        Assert.Equal(0.5, config.GetProperty("topP").GetDouble(), 3);
        Assert.Equal(40, config.GetProperty("topK").GetInt32());
        Assert.Equal(256, config.GetProperty("maxOutputTokens").GetInt32());
        Assert.Equal(new string?[] { "END", "STOP" }, config.GetProperty("stopSequences").EnumerateArray().Select(e => e.GetString()).ToArray());
        Assert.Equal(0.1, config.GetProperty("presencePenalty").GetDouble(), 3);
        Assert.Equal(0.2, config.GetProperty("frequencyPenalty").GetDouble(), 3);
        Assert.Equal(42, config.GetProperty("seed").GetInt64());
        Assert.True(config.GetProperty("thinkingConfig").GetProperty("includeThoughts").GetBoolean());
        Assert.False(config.TryGetProperty("responseMimeType", out _));
    }

    [Fact]
    public void Build_JsonFormat_SetsResponseMimeType()
    {
        var config = Build([new(ChatRole.User, "Hi")], new ChatOptions { ResponseFormat = ChatResponseFormat.Json }).GetProperty("generationConfig");

        Assert.Equal("application/json", config.GetProperty("responseMimeType").GetString());
        Assert.False(config.TryGetProperty("responseJsonSchema", out _));
    }

    [Fact]
    public void Build_JsonSchemaFormat_SetsResponseJsonSchema()
    {
        var schema = JsonElement.Parse("""{"type":"object","properties":{"name":{"type":"string"}},"required":["name"]}""");
        var config = Build([new(ChatRole.User, "Hi")], new ChatOptions { ResponseFormat = ChatResponseFormat.ForJsonSchema(schema, "person") }).GetProperty("generationConfig");

        Assert.Equal("application/json", config.GetProperty("responseMimeType").GetString());
        Assert.Equal("string", config.GetProperty("responseJsonSchema").GetProperty("properties").GetProperty("name").GetProperty("type").GetString());
    }

    [Fact]
    public void Build_TextFormatAndNoSettings_SendNoGenerationConfig()
    {
        var json = Build([new(ChatRole.User, "Hi")], new ChatOptions { ResponseFormat = ChatResponseFormat.Text });

        Assert.False(json.TryGetProperty("generationConfig", out _));
    }

    [Fact]
    public void Build_Tools_BecomeFunctionDeclarationsWithJsonSchema()
    {
        var tool = AIFunctionFactory.Create((string city) => "sunny", "get_weather", "Gets the weather.");
        var json = Build([new(ChatRole.User, "Weather?")], new ChatOptions { Tools = [tool] });

        var declaration = json.GetProperty("tools")[0].GetProperty("functionDeclarations")[0];
        Assert.Equal("get_weather", declaration.GetProperty("name").GetString());
        Assert.Equal("Gets the weather.", declaration.GetProperty("description").GetString());
        var schema = declaration.GetProperty("parametersJsonSchema");
        Assert.Equal("string", schema.GetProperty("properties").GetProperty("city").GetProperty("type").GetString());
        Assert.Equal("city", schema.GetProperty("required")[0].GetString());
        Assert.False(json.TryGetProperty("toolConfig", out _));
    }

    public static TheoryData<ChatToolMode, string, string?> ToolModes => new()
    {
        { ChatToolMode.Auto, "AUTO", null },
        { ChatToolMode.None, "NONE", null },
        { ChatToolMode.RequireAny, "ANY", null },
        { ChatToolMode.RequireSpecific("get_weather"), "ANY", "get_weather" },
    };

    [Theory]
    [MemberData(nameof(ToolModes))]
    public void Build_ToolMode_MapsToFunctionCallingConfig(ChatToolMode mode, string expectedMode, string? allowed)
    {
        var tool = AIFunctionFactory.Create((string city) => "sunny", "get_weather");
        var json = Build([new(ChatRole.User, "Weather?")], new ChatOptions { Tools = [tool], ToolMode = mode });

        var config = json.GetProperty("toolConfig").GetProperty("functionCallingConfig");
        Assert.Equal(expectedMode, config.GetProperty("mode").GetString());
        if (allowed is null)
        {
            Assert.False(config.TryGetProperty("allowedFunctionNames", out _));
        }
        else
        {
            Assert.Equal(allowed, config.GetProperty("allowedFunctionNames")[0].GetString());
        }
    }

    [Fact]
    public void Build_ToolModeWithoutTools_SendsNoToolConfig()
    {
        var json = Build([new(ChatRole.User, "Hi")], new ChatOptions { ToolMode = ChatToolMode.RequireAny });

        Assert.False(json.TryGetProperty("tools", out _));
        Assert.False(json.TryGetProperty("toolConfig", out _));
    }
}
