using System.Net;
using LlmFallback.Conformance;
using LlmFallback.Samples.Gateway.Tests.Support;

namespace LlmFallback.Samples.Gateway.Tests.Hosting;

public sealed class GatewayRateLimitingTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Partition_KeyOverItsLimit_Returns429WithRetryAfterUntilTheBucketRefills()
    {
        await using var host = await GatewayHost.StartAsync();
        for (var i = 0; i < 3; i++)
        {
            host.Backup.Enqueue(WireScenario.Text("ok"));
        }

        using var client = host.NewClient(GatewayHost.LimitedKey);

        using var first = await client.PostAsync("v1/chat/completions", GatewayHost.Chat("smart"), Ct);
        using var second = await client.PostAsync("v1/chat/completions", GatewayHost.Chat("smart"), Ct);
        using var third = await client.PostAsync("v1/chat/completions", GatewayHost.Chat("smart"), Ct);
        using var otherKey = await host.Client.PostAsync("v1/chat/completions", GatewayHost.Chat("smart"), Ct);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal((HttpStatusCode)429, third.StatusCode);
        var wait = third.Headers.RetryAfter?.Delta;
        Assert.NotNull(wait);
        Assert.InRange(wait.Value, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60));
        var error = (await GatewayHost.JsonAsync(third)).GetProperty("error");
        Assert.Equal("rate_limit_exceeded", error.GetProperty("code").GetString());
        Assert.Equal("requests", error.GetProperty("type").GetString());
        Assert.Equal(HttpStatusCode.OK, otherKey.StatusCode);
        Assert.Equal(3, host.Backup.Requests.Count);

        host.Time.Advance(wait.Value);
        host.Backup.Enqueue(WireScenario.Text("ok"));
        using var later = await client.PostAsync("v1/chat/completions", GatewayHost.Chat("smart"), Ct);
        Assert.Equal(HttpStatusCode.OK, later.StatusCode);
    }
}
