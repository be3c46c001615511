using System.Net;
using LlmFallback.Conformance;
using LlmFallback.Samples.Gateway.Auth;
using LlmFallback.Samples.Gateway.Tests.Support;

namespace LlmFallback.Samples.Gateway.Tests.Auth;

public sealed class ApiKeyAuthenticationHandlerTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string?> RefusedKeys() => new()
    {
        { (string?)null },
        "not-a-key",
        ApiKeyHasher.NewKey("tester"),
        ApiKeyHasher.NewKey("nobody"),
        GatewayHost.TesterKey + "x",
    };

    [Theory]
    [MemberData(nameof(RefusedKeys))]
    public async Task HandleAuthenticateAsync_MissingOrWrongKey_Returns401OpenAIError(string? key)
    {
        await using var host = await GatewayHost.StartAsync();
        using var client = host.NewClient(key);

        using var response = await client.PostAsync("v1/chat/completions", GatewayHost.Chat("fast"), Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
        var error = (await GatewayHost.JsonAsync(response)).GetProperty("error");
        Assert.Equal("invalid_api_key", error.GetProperty("code").GetString());
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        if (key is not null)
        {
            Assert.DoesNotContain(key, error.GetProperty("message").GetString(), StringComparison.Ordinal);
        }

        Assert.Empty(host.Primary.Requests);
    }

    [Fact]
    public async Task HandleAuthenticateAsync_ModelsWithoutKey_Returns401()
    {
        await using var host = await GatewayHost.StartAsync();
        using var client = host.NewClient(null);

        using var response = await client.GetAsync("v1/models", Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task HandleAuthenticateAsync_KeyInApiKeyHeader_IsAccepted()
    {
        await using var host = await GatewayHost.StartAsync();
        host.Primary.Enqueue(WireScenario.Text("ok"));
        using var client = host.NewClient(null);
        client.DefaultRequestHeaders.Add("api-key", GatewayHost.TesterKey);

        using var response = await client.PostAsync("v1/chat/completions", GatewayHost.Chat("fast"), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task HandleAuthenticateAsync_KeyLimitedToOtherModels_Returns403ModelNotAllowed()
    {
        await using var host = await GatewayHost.StartAsync();
        using var client = host.NewClient(GatewayHost.LimitedKey);

        using var response = await client.PostAsync("v1/chat/completions", GatewayHost.Chat("fast"), Ct);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("model_not_allowed", (await GatewayHost.JsonAsync(response)).GetProperty("error").GetProperty("code").GetString());
        Assert.Empty(host.Primary.Requests);
    }

    [Fact]
    public async Task HandleAuthenticateAsync_AnonymousAllowed_ServesCallerWithoutKeyButStillChecksPresentedKeys()
    {
        await using var host = await GatewayHost.StartAsync(s => s["Gateway:AllowAnonymous"] = "true");
        host.Primary.Enqueue(WireScenario.Text("ok"));
        using var anonymous = host.NewClient(null);
        using var wrong = host.NewClient(ApiKeyHasher.NewKey("tester"));

        using var served = await anonymous.PostAsync("v1/chat/completions", GatewayHost.Chat("fast"), Ct);
        using var refused = await wrong.PostAsync("v1/chat/completions", GatewayHost.Chat("fast"), Ct);

        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }
}
