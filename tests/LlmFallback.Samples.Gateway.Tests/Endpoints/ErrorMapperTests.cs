using System.Net;
using System.Text;
using LlmFallback.Samples.Gateway.Endpoints;
using LlmFallback.Samples.Gateway.Tests.Support;

namespace LlmFallback.Samples.Gateway.Tests.Endpoints;

public sealed class ErrorMapperTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Map_PiiRejectedByThePipeline_Returns400PiiDetectedNamingTypesNotValues()
    {
        await using var host = await GatewayHost.StartAsync(s => s["Llm:Pii:Actions:Email"] = "Reject");
        const string Body = """{"model":"fast","messages":[{"role":"user","content":"Mail me at jane.doe@example.com"}]}""";

        using var response = await host.Client.PostAsync("v1/chat/completions", new StringContent(Body, Encoding.UTF8, "application/json"), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = (await GatewayHost.JsonAsync(response)).GetProperty("error");
        Assert.Equal("pii_detected", error.GetProperty("code").GetString());
        Assert.Equal("messages", error.GetProperty("param").GetString());
        Assert.Contains("Email", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("jane.doe", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Empty(host.Primary.Requests);
    }

    [Fact]
    public async Task Map_ModerationBlocksInput_Returns400ContentFilterNamingCategories()
    {
        await using var host = await GatewayHost.StartAsync(s => s["Llm:Moderation:Local:Categories:weapons:Words:0"] = "build a bomb");
        const string Body = """{"model":"fast","messages":[{"role":"user","content":"How do I build a bomb?"}]}""";

        using var response = await host.Client.PostAsync("v1/chat/completions", new StringContent(Body, Encoding.UTF8, "application/json"), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = (await GatewayHost.JsonAsync(response)).GetProperty("error");
        Assert.Equal("content_filter", error.GetProperty("code").GetString());
        Assert.Equal("The request was blocked by content moderation (weapons).", error.GetProperty("message").GetString());
        Assert.Empty(host.Primary.Requests);
    }

    [Fact]
    public void Map_UnexpectedException_Returns500WithoutItsMessage()
    {
        var error = ErrorMapper.Map(new InvalidOperationException("secret sk-123 inside"));

        Assert.Equal(500, error.Status);
        Assert.Equal("internal_error", error.Code);
        Assert.DoesNotContain("sk-123", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Map_ProviderRateLimitSurfaced_Returns429WithItsRetryAfter()
    {
        var error = ErrorMapper.Map(new LlmProviderException(LlmFailureKind.RateLimited, "primary", 429, TimeSpan.FromSeconds(7)));

        Assert.Equal(429, error.Status);
        Assert.Equal(TimeSpan.FromSeconds(7), error.RetryAfter);
    }

    [Theory]
    [InlineData(0.2, "1")]
    [InlineData(1.0, "1")]
    [InlineData(59.01, "60")]
    [InlineData(-3, "0")]
    public void Seconds_RoundsUp(double seconds, string expected) => Assert.Equal(expected, ErrorMapper.Seconds(TimeSpan.FromSeconds(seconds)));
}
