using System.Net;
using LlmFallback.Samples.Gateway.Tests.Support;

namespace LlmFallback.Samples.Gateway.Tests.Endpoints;

public sealed class ModelsEndpointTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ListAsync_ListsRoutesAliasesThenProviderModels()
    {
        await using var host = await GatewayHost.StartAsync();

        using var response = await host.Client.GetAsync("v1/models", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await GatewayHost.JsonAsync(response);
        Assert.Equal("list", body.GetProperty("object").GetString());
        var entries = body.GetProperty("data").EnumerateArray().Select(e => (Id: e.GetProperty("id").GetString(), Owner: e.GetProperty("owned_by").GetString())).ToList();
        Assert.Equal(
            [("fast", "llmfallback:route"), ("default", "llmfallback:alias"), ("smart", "llmfallback:route"), ("model-a", "llmfallback:model"), ("model-b", "llmfallback:model")],
            entries);
        Assert.All(body.GetProperty("data").EnumerateArray(), e => Assert.Equal("model", e.GetProperty("object").GetString()));
    }

    [Fact]
    public async Task ListAsync_KeyLimitedToModels_ListsOnlyThose()
    {
        await using var host = await GatewayHost.StartAsync();
        using var client = host.NewClient(GatewayHost.LimitedKey);

        using var response = await client.GetAsync("v1/models", Ct);

        var ids = (await GatewayHost.JsonAsync(response)).GetProperty("data").EnumerateArray().Select(e => e.GetProperty("id").GetString()).ToList();
        Assert.Equal(["smart"], ids);
    }

    [Fact]
    public async Task GetAsync_KnownAndUnknown_ReturnsEntryOr404()
    {
        await using var host = await GatewayHost.StartAsync();

        using var known = await host.Client.GetAsync("v1/models/default", Ct);
        using var unknown = await host.Client.GetAsync("v1/models/ghost", Ct);

        Assert.Equal("default", (await GatewayHost.JsonAsync(known)).GetProperty("id").GetString());
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("model_not_found", (await GatewayHost.JsonAsync(unknown)).GetProperty("error").GetProperty("code").GetString());
    }
}
