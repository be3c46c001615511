using static LlmFallback.Tests.Metering.MeteringTestKit;

namespace LlmFallback.Tests.Metering;

/// <summary>The metering instruments as an OpenTelemetry exporter sees them: names, units and attributes.</summary>
public sealed class MeteringTelemetryTests
{
    [Fact]
    public async Task GetResponseAsync_PricedCall_ExportsCostInUsdAndTokens()
    {
        using var capture = new TelemetryCapture();
        var tenant = Guid.NewGuid().ToString("N");
        using var client = new CostMeteringChatClient(Answering("Hi", "gpt-4o-mini", Usage(1_000_000, 500_000, 200_000)));

        await client.GetResponseAsync(Prompt(), new ChatOptions { ModelId = "fast" }.WithTenant(tenant), Ct);

        var byTenant = new KeyValuePair<string, object?>("llmfallback.tenant", tenant);
        var (costUnit, cost) = capture.Read("llmfallback.cost", byTenant);
        var point = Assert.Single(cost);
        Assert.Equal("USD", costUnit);
        Assert.Equal((double)LlmPriceCatalog.Default.GetCost("gpt-4o-mini", 1_000_000, 500_000, 200_000)!.Value, point.Value, 9);
        Assert.Equal("test-provider", point.Tags["llmfallback.provider"]);
        Assert.Equal("gpt-4o-mini", point.Tags["gen_ai.response.model"]);
        Assert.Equal("fast", point.Tags["llmfallback.route"]);

        var (tokenUnit, tokens) = capture.Read("llmfallback.tokens", byTenant);
        Assert.Equal("{token}", tokenUnit);
        Assert.Equal(1_000_000, Assert.Single(tokens, p => Equals(p.Tags["gen_ai.token.type"], "input")).Value);
        Assert.Equal(500_000, Assert.Single(tokens, p => Equals(p.Tags["gen_ai.token.type"], "output")).Value);
        Assert.All(tokens, p => Assert.Equal(false, p.Tags["llmfallback.usage.estimated"]));
        Assert.Equal(200_000, Assert.Single(capture.Read("llmfallback.tokens.cached_input", byTenant).Points).Value);
    }

    [Fact]
    public async Task GetResponseAsync_UnpricedCall_CountsItInsteadOfACost()
    {
        using var capture = new TelemetryCapture();
        var tenant = Guid.NewGuid().ToString("N");
        using var client = new CostMeteringChatClient(Answering("Hi", "my-model", Usage(5, 5)));

        await client.GetResponseAsync(Prompt(), new ChatOptions().WithTenant(tenant), Ct);

        var byTenant = new KeyValuePair<string, object?>("llmfallback.tenant", tenant);
        Assert.Empty(capture.Read("llmfallback.cost", byTenant).Points);
        var (unit, unpriced) = capture.Read("llmfallback.cost.unpriced", byTenant);
        Assert.Equal("{request}", unit);
        Assert.Equal(1, Assert.Single(unpriced).Value);
    }

    [Fact]
    public void RecordCacheHit_ExportsTheCostSaved()
    {
        using var capture = new TelemetryCapture();
        var tenant = Guid.NewGuid().ToString("N");
        using var client = new CostMeteringChatClient(Answering("x", null, null));

        client.RecordCacheHit(new ChatResponse(new ChatMessage(ChatRole.Assistant, "hit")) { ModelId = "gpt-4o", Usage = Usage(1_000_000, 0) }, null, new ChatOptions().WithTenant(tenant));

        var (unit, saved) = capture.Read("llmfallback.cost.saved", new("llmfallback.tenant", tenant));
        var point = Assert.Single(saved);
        Assert.Equal("USD", unit);
        Assert.Equal(2.5, point.Value, 9);
        Assert.Equal("cache_hit", point.Tags["llmfallback.reason"]);
    }
}
