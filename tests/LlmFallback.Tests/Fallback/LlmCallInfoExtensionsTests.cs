namespace LlmFallback.Tests.Fallback;

public class LlmCallInfoExtensionsTests
{
    [Fact]
    public void GetLlmCallInfo_NullArguments_Throw()
    {
        Assert.Throws<ArgumentNullException>("response", () => ((ChatResponse)null!).GetLlmCallInfo());
        Assert.Throws<ArgumentNullException>("update", () => ((ChatResponseUpdate)null!).GetLlmCallInfo());
    }

    [Fact]
    public void GetLlmCallInfo_ResponseWithoutIt_IsNull()
    {
        Assert.Null(new ChatResponse().GetLlmCallInfo());
        Assert.Null(new ChatResponse { AdditionalProperties = new() { ["other"] = 1 } }.GetLlmCallInfo());
        Assert.Null(new ChatResponse { AdditionalProperties = new() { [LlmCallInfo.AdditionalPropertiesKey] = "not an info" } }.GetLlmCallInfo());
    }

    [Fact]
    public void SetLlmCallInfo_Response_IsReadBack()
    {
        var info = new LlmCallInfo("a", "m", TimeSpan.FromSeconds(1));
        var response = new ChatResponse();

        response.SetLlmCallInfo(info);

        Assert.Same(info, response.GetLlmCallInfo());
        Assert.Same(info, response.AdditionalProperties![LlmCallInfo.AdditionalPropertiesKey]);
    }

    [Fact]
    public void SetLlmCallInfo_ExistingProperties_AreKept()
    {
        var response = new ChatResponse { AdditionalProperties = new() { ["x"] = 1 } };

        response.SetLlmCallInfo(new LlmCallInfo("a", null, TimeSpan.Zero));

        Assert.Equal(1, response.AdditionalProperties["x"]);
        Assert.NotNull(response.GetLlmCallInfo());
    }

    [Fact]
    public void GetLlmCallInfo_Update_ReadsTheFinalUpdate()
    {
        var info = new LlmCallInfo("a", null, TimeSpan.Zero);
        var final = new ChatResponseUpdate { FinishReason = ChatFinishReason.Stop, AdditionalProperties = new() { [LlmCallInfo.AdditionalPropertiesKey] = info } };

        Assert.Same(info, final.GetLlmCallInfo());
        Assert.Null(new ChatResponseUpdate(ChatRole.Assistant, "text").GetLlmCallInfo());
    }

    [Fact]
    public void GetLlmCallInfo_UpdatesCombinedIntoAResponse_CarryIt()
    {
        var info = new LlmCallInfo("a", "m", TimeSpan.Zero);
        ChatResponseUpdate[] updates =
        [
            new(ChatRole.Assistant, "hello"),
            new() { FinishReason = ChatFinishReason.Stop, AdditionalProperties = new() { [LlmCallInfo.AdditionalPropertiesKey] = info } },
        ];

        Assert.Same(info, updates.ToChatResponse().GetLlmCallInfo());
    }
}
