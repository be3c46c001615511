using System.Text.Json;

namespace LlmFallback.Gemini.Tests;

public partial class GeminiRequestBuilderTests
{
    [Fact]
    public void Build_SignatureOnlyReasoning_IsSentAsAnEmptyTextPartWithItsSignature()
    {
        var json = Build([new(ChatRole.User, "Q"), new(ChatRole.Assistant, [new TextContent("A"), new TextReasoningContent(string.Empty) { ProtectedData = "sig" }])]);

        var part = json.GetProperty("contents")[1].GetProperty("parts")[1];
        Assert.Equal(string.Empty, part.GetProperty("text").GetString());
        Assert.Equal("sig", part.GetProperty("thoughtSignature").GetString());
        Assert.False(part.TryGetProperty("thought", out _));
    }

    [Fact]
    public void Build_UnmappedOptions_AreReportedAndLlmFallbackKeysAreNot()
    {
        var options = new ChatOptions { ConversationId = "c", RawRepresentationFactory = _ => null }.WithUser("u");

        GeminiRequestBuilder.Build([new(ChatRole.User, "Hi")], options, "gemini-2.5-flash", null, out var unmapped);
        GeminiRequestBuilder.Build([new(ChatRole.User, "Hi")], new ChatOptions().WithTenant("t"), "gemini-2.5-flash", null, out var none);

        Assert.Equal(GeminiUnmapped.ConversationId | GeminiUnmapped.RawRepresentationFactory, unmapped);
        Assert.Equal(GeminiUnmapped.None, none);
    }

    [Fact]
    public void Build_FileSearchWithResultCount_MapsStoresAndReportsTheCount()
    {
        var json = JsonSerializer.SerializeToElement(
            GeminiRequestBuilder.Build([new(ChatRole.User, "Hi")], new ChatOptions { Tools = [new HostedFileSearchTool { Inputs = [new HostedVectorStoreContent("s1")], MaximumResultCount = 3 }, new HostedImageGenerationTool()] }, "gemini-2.5-flash", null, out var unmapped),
            GeminiJsonContext.Default.GenerateContentRequest);

        Assert.Equal("s1", json.GetProperty("tools")[0].GetProperty("fileSearch").GetProperty("fileSearchStoreNames")[0].GetString());
        Assert.Equal(GeminiUnmapped.FileSearchMaximumResultCount | GeminiUnmapped.HostedTool, unmapped);
    }

    [Fact]
    public void Build_UriFile_MarksTheRequestAsNamingFiles()
    {
        var withFile = GeminiRequestBuilder.Build([new(ChatRole.User, [new UriContent(new Uri("https://generativelanguage.googleapis.com/v1beta/files/f1"), "application/pdf")])], null, "gemini-2.5-flash", null, out _);
        var without = GeminiRequestBuilder.Build([new(ChatRole.User, "Hi")], null, "gemini-2.5-flash", null, out _);

        Assert.True(withFile.HasFileData);
        Assert.False(without.HasFileData);
    }
}
