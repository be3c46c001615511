using System.Text.Json;

namespace LlmFallback.Gemini.Tests;

public class GeminiContentMapperTests
{
    [Theory]
    [InlineData("STOP", false, "stop")]
    [InlineData("STOP", true, "tool_calls")]
    [InlineData("MAX_TOKENS", false, "length")]
    [InlineData("SAFETY", false, "content_filter")]
    [InlineData("RECITATION", false, "content_filter")]
    [InlineData("BLOCKLIST", false, "content_filter")]
    [InlineData("PROHIBITED_CONTENT", false, "content_filter")]
    [InlineData("SPII", false, "content_filter")]
    [InlineData("IMAGE_SAFETY", false, "content_filter")]
    [InlineData("MALFORMED_FUNCTION_CALL", false, "malformed_function_call")]
    [InlineData("MODEL_ARMOR", false, "model_armor")]
    [InlineData("OTHER", false, "other")]
    public void ToFinishReason_GeminiReason_MapsToChatFinishReason(string reason, bool functionCalls, string expected)
    {
        Assert.Equal(new ChatFinishReason(expected), GeminiContentMapper.ToFinishReason(reason, functionCalls));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void ToFinishReason_NoReason_IsNull(string? reason)
    {
        Assert.Null(GeminiContentMapper.ToFinishReason(reason, hasFunctionCalls: false));
    }

    [Fact]
    public void ToUsage_AllCounts_MapToUsageDetails()
    {
        var usage = GeminiContentMapper.ToUsage(new GeminiUsageMetadata
        {
            PromptTokenCount = 100,
            CandidatesTokenCount = 20,
            ThoughtsTokenCount = 30,
            CachedContentTokenCount = 64,
            ToolUsePromptTokenCount = 5,
            TotalTokenCount = 155,
        })!;

        Assert.Equal(105, usage.InputTokenCount);
        Assert.Equal(50, usage.OutputTokenCount);
        Assert.Equal(155, usage.TotalTokenCount);
        Assert.Equal(usage.TotalTokenCount, usage.InputTokenCount + usage.OutputTokenCount);
        Assert.Equal(64, usage.CachedInputTokenCount);
        Assert.Equal(30, usage.ReasoningTokenCount);
        Assert.Equal(5, usage.AdditionalCounts!["ToolUsePromptTokenCount"]);
    }

    [Fact]
    public void ToUsage_OnlyPromptCount_LeavesOutputUnknown()
    {
        var usage = GeminiContentMapper.ToUsage(new GeminiUsageMetadata { PromptTokenCount = 9, TotalTokenCount = 9 })!;

        Assert.Equal(9, usage.InputTokenCount);
        Assert.Null(usage.OutputTokenCount);
        Assert.Null(usage.ReasoningTokenCount);
        Assert.Null(usage.AdditionalCounts);
        Assert.Null(GeminiContentMapper.ToUsage(null));
    }

    [Fact]
    public void ToContent_FunctionCallWithoutId_GetsAGeneratedIdAndJsonArguments()
    {
        var part = new GeminiPart { FunctionCall = new GeminiFunctionCall { Name = "get_weather", Args = JsonElement.Parse("""{"city":"Paris","days":2,"x":null}""") } };

        var call = Assert.IsType<FunctionCallContent>(GeminiContentMapper.ToContent(part));
        var other = Assert.IsType<FunctionCallContent>(GeminiContentMapper.ToContent(part));

        Assert.StartsWith(GeminiContentMapper.GeneratedCallIdPrefix, call.CallId, StringComparison.Ordinal);
        Assert.NotEqual(call.CallId, other.CallId);
        Assert.Null(GeminiContentMapper.ApiCallId(call.CallId));
        Assert.Equal("get_weather", call.Name);
        Assert.Equal("Paris", Assert.IsType<JsonElement>(call.Arguments!["city"]).GetString());
        Assert.Equal(2, Assert.IsType<JsonElement>(call.Arguments["days"]).GetInt32());
        Assert.Null(call.Arguments["x"]);
    }

    [Fact]
    public void ToContent_FunctionCallWithApiId_KeepsItAndTheSignature()
    {
        var part = new GeminiPart { FunctionCall = new GeminiFunctionCall { Id = "fc-7", Name = "f" }, ThoughtSignature = "sig" };

        var call = Assert.IsType<FunctionCallContent>(GeminiContentMapper.ToContent(part));

        Assert.Equal("fc-7", call.CallId);
        Assert.Equal("fc-7", GeminiContentMapper.ApiCallId(call.CallId));
        Assert.Empty(call.Arguments!);
        Assert.Equal("sig", call.AdditionalProperties![GeminiChatClient.ThoughtSignatureKey]);
    }

    [Fact]
    public void ToContent_Parts_MapToTextReasoningDataAndUri()
    {
        Assert.Equal("hi", Assert.IsType<TextContent>(GeminiContentMapper.ToContent(new GeminiPart { Text = "hi" })).Text);

        var thought = Assert.IsType<TextReasoningContent>(GeminiContentMapper.ToContent(new GeminiPart { Text = "hmm", Thought = true, ThoughtSignature = "s1" }));
        Assert.Equal("hmm", thought.Text);
        Assert.Equal("s1", thought.ProtectedData);

        var signatureOnly = Assert.IsType<TextReasoningContent>(GeminiContentMapper.ToContent(new GeminiPart { ThoughtSignature = "s2" }));
        Assert.Equal("s2", signatureOnly.ProtectedData);

        var data = Assert.IsType<DataContent>(GeminiContentMapper.ToContent(new GeminiPart { InlineData = new GeminiBlob { MimeType = "image/png", Data = "AQID" } }));
        Assert.Equal("image/png", data.MediaType);
        Assert.Equal(new byte[] { 1, 2, 3 }, data.Data.ToArray());

        var uri = Assert.IsType<UriContent>(GeminiContentMapper.ToContent(new GeminiPart { FileData = new GeminiFileData { MimeType = "video/mp4", FileUri = "https://example.com/v.mp4" } }));
        Assert.Equal("video/mp4", uri.MediaType);

        Assert.Null(GeminiContentMapper.ToContent(new GeminiPart()));
    }

    [Theory]
    [InlineData("call_abc", "call_abc")]
    [InlineData("toolu_01", "toolu_01")]
    [InlineData("gemini_0123456789abcdef", null)]
    [InlineData("", null)]
    public void ApiCallId_OnlyIdsNotMadeUpHere_AreSent(string callId, string? expected)
    {
        Assert.Equal(expected, GeminiContentMapper.ApiCallId(callId));
    }

    [Fact]
    public void IsContentFilter_ModelArmor_IsABlockReasonNotAFinishReason() => Assert.False(GeminiContentMapper.IsContentFilter("MODEL_ARMOR"));

    [Fact]
    public void ToContent_EmptyTextWithSignature_IsSignatureOnlyReasoningFromGemini()
    {
        var content = Assert.IsType<TextReasoningContent>(GeminiContentMapper.ToContent(new GeminiPart { Text = string.Empty, ThoughtSignature = "sig" }));

        Assert.Equal(string.Empty, content.Text);
        Assert.Equal("sig", content.ProtectedData);
        Assert.Equal(LlmProviderFamily.Gemini, content.GetOrigin());
    }

    [Fact]
    public void ToContent_PlainText_CarriesNoOrigin() => Assert.Null(GeminiContentMapper.ToContent(new GeminiPart { Text = "hi" })!.AdditionalProperties);

    [Fact]
    public void AddContents_StreamedTextWithSignature_SplitsTextFromTheSignature()
    {
        var contents = new List<AIContent>();

        GeminiContentMapper.AddContents([new GeminiPart { Text = "lo", ThoughtSignature = "sig" }], contents, streamed: true);

        Assert.Equal("lo", Assert.IsType<TextContent>(contents[0]).Text);
        Assert.Equal("sig", Assert.IsType<TextReasoningContent>(contents[1]).ProtectedData);
    }
}
