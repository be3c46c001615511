using System.Net;
using LlmFallback.Samples.Gateway.Hosting;
using LlmFallback.Samples.Gateway.Tests.Support;

namespace LlmFallback.Samples.Gateway.Tests.Hosting;

public sealed class SimulatedProvidersTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static void Routes(Dictionary<string, string?> settings)
    {
        settings["Gateway:OptionalProviders:openai:WhenSet"] = "GATEWAY_TEST_UNSET_KEY";
        settings["Gateway:OptionalProviders:openai:Provider:Type"] = "OpenAI";
        settings["Gateway:OptionalProviders:openai:Routes:0"] = "fast";
    }

    [Fact]
    public async Task Apply_NoProviderConfigured_AnswersAnonymouslyWithLabelledSimulatedProviders()
    {
        await using var host = await GatewayHost.StartAsync(Routes, withProviders: false);
        using var client = host.NewClient(null);

        using var response = await client.PostAsync("v1/chat/completions", GatewayHost.Chat("fast"), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("simulated-", response.Headers.GetValues("x-llmfallback-provider").Single(), StringComparison.Ordinal);
        var text = (await GatewayHost.JsonAsync(response)).GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString();
        Assert.StartsWith("[simulated] ", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Apply_NoProviderButApiKeysConfigured_StillRequiresAKey()
    {
        await using var host = await GatewayHost.StartAsync(s =>
        {
            Routes(s);
            s["Gateway:ApiKeys:tester:Hash"] = LlmFallback.Samples.Gateway.Auth.ApiKeyHasher.Hash(GatewayHost.TesterKey);
        }, withProviders: false);
        using var anonymous = host.NewClient(null);

        using var refused = await anonymous.PostAsync("v1/chat/completions", GatewayHost.Chat("fast"), Ct);
        using var served = await host.Client.PostAsync("v1/chat/completions", GatewayHost.Chat("fast", ""","stream":true"""), Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        Assert.Equal("[DONE]", (await GatewayHost.EventsAsync(served))[^1]);
    }

    [Fact]
    public async Task Apply_OptionalProviderKeySet_AddsItInsteadOfSimulation()
    {
        await using var host = await GatewayHost.StartAsync(s =>
        {
            s["Gateway:OptionalProviders:upstream:WhenSet"] = "UPSTREAM_KEY";
            s["UPSTREAM_KEY"] = "set";
            s["Gateway:OptionalProviders:upstream:Provider:Type"] = "OpenAICompatible";
            s["Gateway:OptionalProviders:upstream:Provider:Model"] = "real-model";
            s["Gateway:OptionalProviders:upstream:Provider:Endpoint"] = "http://127.0.0.1:9/v1";
            s["Gateway:OptionalProviders:upstream:Routes:0"] = "fast";
            s["Gateway:AllowAnonymous"] = "true";
        }, withProviders: false);

        using var response = await host.NewClient(null).GetAsync("v1/models", Ct);

        var ids = (await GatewayHost.JsonAsync(response)).GetProperty("data").EnumerateArray().Select(e => e.GetProperty("id").GetString()).ToList();
        Assert.Equal(["fast", "real-model"], ids);
        Assert.DoesNotContain(SimulatedProviders.Primary, (await (await host.NewClient(null).GetAsync("health/ready", Ct)).Content.ReadAsStringAsync(Ct)), StringComparison.Ordinal);
    }
}
