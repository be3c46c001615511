using System.Net;
using LlmFallback.Conformance;
using LlmFallback.Samples.Gateway.Tests.Support;

namespace LlmFallback.Samples.Gateway.Tests.Hosting;

public sealed class GatewayTelemetryTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task MapGatewayHealth_Live_AnswersWithoutCredentials()
    {
        await using var host = await GatewayHost.StartAsync();
        using var client = host.NewClient(null);

        using var response = await client.GetAsync("health/live", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", (await GatewayHost.JsonAsync(response)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task MapGatewayHealth_Ready_ReportsEachProviderBreakerAndTurnsUnhealthyWhenAllAreOpen()
    {
        await using var host = await GatewayHost.StartAsync();
        using var client = host.NewClient(null);

        using var healthy = await client.GetAsync("health/ready", Ct);
        var before = (await GatewayHost.JsonAsync(healthy)).GetProperty("checks").GetProperty("llm-providers");
        host.Primary.Enqueue(WireScenario.Error(WireError.ServerError));
        host.Backup.Enqueue(WireScenario.Error(WireError.ServerError));
        using var failed = await host.Client.PostAsync("v1/chat/completions", GatewayHost.Chat("fast"), Ct);
        using var unhealthy = await client.GetAsync("health/ready", Ct);
        var after = (await GatewayHost.JsonAsync(unhealthy)).GetProperty("checks").GetProperty("llm-providers");

        Assert.Equal(HttpStatusCode.OK, healthy.StatusCode);
        Assert.Equal("closed", before.GetProperty("data").GetProperty("primary").GetString());
        Assert.Equal("closed", before.GetProperty("data").GetProperty("backup").GetString());
        Assert.Equal(HttpStatusCode.BadGateway, failed.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, unhealthy.StatusCode);
        Assert.Equal("Unhealthy", after.GetProperty("status").GetString());
        Assert.Equal("open", after.GetProperty("data").GetProperty("primary").GetString());
        Assert.Equal("open", after.GetProperty("data").GetProperty("backup").GetString());
    }

    [Fact]
    public async Task MapGatewayHealth_Metrics_ServesPrometheusTextWithLlmFallbackInstruments()
    {
        await using var host = await GatewayHost.StartAsync();
        host.Primary.Enqueue(WireScenario.Text("ok"));
        using var answered = await host.Client.PostAsync("v1/chat/completions", GatewayHost.Chat("fast"), Ct);
        using var client = host.NewClient(null);

        using var response = await client.GetAsync("metrics", Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("# TYPE ", text, StringComparison.Ordinal);
        Assert.Contains("llmfallback_", text, StringComparison.Ordinal);
    }
}
