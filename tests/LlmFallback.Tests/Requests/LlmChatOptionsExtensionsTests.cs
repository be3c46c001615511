using Microsoft.Extensions.AI;

namespace LlmFallback.Tests.Requests;

public class LlmChatOptionsExtensionsTests
{
    [Fact]
    public void With_SetsValues_ReadBackByGetters()
    {
        var options = new ChatOptions().WithUser("u-1").WithTenant("t-1").WithApiKeyId("k-1");

        Assert.Equal("u-1", options.GetUser());
        Assert.Equal("t-1", options.GetTenant());
        Assert.Equal("k-1", options.GetApiKeyId());
    }

    [Fact]
    public void Get_NothingSet_ReturnsNull()
    {
        Assert.Null(((ChatOptions?)null).GetUser());
        Assert.Null(new ChatOptions().GetTenant());
        Assert.Null(new ChatOptions().GetApiKeyId());
    }

    [Fact]
    public void With_BadArguments_ThrowNamingTheParameter()
    {
        Assert.Throws<ArgumentNullException>("options", () => ((ChatOptions)null!).WithUser("u"));
        Assert.Throws<ArgumentException>("userId", () => new ChatOptions().WithUser(" "));
        Assert.Throws<ArgumentNullException>("tenantId", () => new ChatOptions().WithTenant(null!));
        Assert.Throws<ArgumentException>("apiKeyId", () => new ChatOptions().WithApiKeyId(string.Empty));
    }
}
