using System.Buffers;

namespace LlmFallback.Tests.Caching;

public sealed class CachedChatEntrySerializerTests
{
    [Fact]
    public void SerializeDeserialize_RoundTripsTheAnswer()
    {
        var response = new ChatResponse(new ChatMessage(ChatRole.Assistant, [new TextContent("hello"), new FunctionCallContent("c1", "f", new Dictionary<string, object?> { ["x"] = 1 })]) { MessageId = "m" })
        {
            ResponseId = "r",
            ModelId = "model",
            FinishReason = ChatFinishReason.ToolCalls,
            Usage = new UsageDetails { InputTokenCount = 1, OutputTokenCount = 2, TotalTokenCount = 3 },
        };
        var buffer = new ArrayBufferWriter<byte>();

        CachedChatEntrySerializer.Instance.Serialize(new CachedChatEntry(response, "openai", "gpt", 1234), buffer);
        var back = CachedChatEntrySerializer.Instance.Deserialize(new ReadOnlySequence<byte>(buffer.WrittenMemory));

        Assert.Equal("openai", back.Provider);
        Assert.Equal("gpt", back.ProviderModel);
        Assert.Equal(1234, back.ExpiresAtMs);
        Assert.Equal("hello", back.Response.Text);
        Assert.Equal(ChatFinishReason.ToolCalls, back.Response.FinishReason);
        Assert.Equal(3, back.Response.Usage?.TotalTokenCount);
        Assert.Equal("f", Assert.IsType<FunctionCallContent>(back.Response.Messages[0].Contents[1]).Name);
    }

    [Fact]
    public void Deserialize_OtherFormatVersion_IsAMiss()
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes("""{"v":99,"e":1,"r":{"messages":[]}}""");

        Assert.Null(CachedChatEntrySerializer.Instance.Deserialize(new ReadOnlySequence<byte>(bytes)));
    }
}
