using LlmFallback.Tests.Metering;
using Microsoft.Extensions.Time.Testing;
using static LlmFallback.Tests.Metering.MeteringTestKit;

namespace LlmFallback.Tests.RateLimiting;

[Collection(MeterCollection.Name)]
public sealed class RateLimitingDiagnosticsTests
{
    [Fact]
    public async Task Rejected_IsExportedWithScopeAndKind()
    {
        using var capture = new TelemetryCapture();
        var time = new FakeTimeProvider();
        using var store = new InMemoryRateLimitStore(time);
        using var client = new RateLimitingChatClient(Answering("Hi", "gpt-4o", null), store, new RateLimitingOptions { PerApiKey = { RequestsPerMinute = 1 } }, timeProvider: time);
        var request = new ChatOptions().WithApiKeyId(Guid.NewGuid().ToString("N"));
        await client.GetResponseAsync(Prompt(), request, Ct);

        await Assert.ThrowsAsync<RateLimitedException>(() => client.GetResponseAsync(Prompt(), request, Ct));
        await Assert.ThrowsAsync<RateLimitedException>(() => client.GetResponseAsync(Prompt(), request, Ct));

        var (unit, points) = capture.Read("llmfallback.ratelimit.rejected", new("llmfallback.ratelimit.scope", "api_key"));
        var point = Assert.Single(points);
        Assert.Equal("{request}", unit);
        Assert.Equal(2, point.Value);
        Assert.Equal("requests", point.Tags["llmfallback.ratelimit.kind"]);
    }
}
