using System.Net;
using System.Net.Http.Headers;
using System.Security.Claims;
using LlmFallback.Conformance;
using LlmFallback.Samples.Gateway.Tests.Support;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace LlmFallback.Samples.Gateway.Tests.Auth;

public sealed class GatewayAuthenticationTests
{
    private const string Issuer = "https://issuer.test";
    private const string Audience = "llm-gateway";
    private static readonly byte[] SigningKey = [.. Enumerable.Range(1, 32).Select(i => (byte)i)];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static void Jwt(Dictionary<string, string?> settings)
    {
        settings["Gateway:Jwt:SigningKey"] = Convert.ToBase64String(SigningKey);
        settings["Gateway:Jwt:Issuer"] = Issuer;
        settings["Gateway:Jwt:Audience"] = Audience;
    }

    private static string Token(GatewayHost host, string audience = Audience, byte[]? key = null) => new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
    {
        Issuer = Issuer,
        Audience = audience,
        Subject = new ClaimsIdentity([new Claim("sub", "user-1"), new Claim("azp", "web-app")]),
        IssuedAt = DateTime.UtcNow,
        NotBefore = DateTime.UtcNow.AddMinutes(-1),
        Expires = DateTime.UtcNow.AddMinutes(10),
        SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(key ?? SigningKey), SecurityAlgorithms.HmacSha256),
    });

    [Fact]
    public async Task AddGatewayAuthentication_ValidJwt_IsServed()
    {
        await using var host = await GatewayHost.StartAsync(Jwt);
        host.Primary.Enqueue(WireScenario.Text("ok"));
        using var client = host.NewClient(null);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token(host));

        using var response = await client.PostAsync("v1/chat/completions", GatewayHost.Chat("fast"), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task AddGatewayAuthentication_JwtWithWrongAudienceOrKey_Returns401()
    {
        await using var host = await GatewayHost.StartAsync(Jwt);
        using var wrongAudience = host.NewClient(null);
        wrongAudience.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token(host, audience: "other"));
        using var wrongKey = host.NewClient(null);
        wrongKey.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token(host, key: [.. Enumerable.Repeat((byte)7, 32)]));

        using var first = await wrongAudience.PostAsync("v1/chat/completions", GatewayHost.Chat("fast"), Ct);
        using var second = await wrongKey.PostAsync("v1/chat/completions", GatewayHost.Chat("fast"), Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, first.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, second.StatusCode);
        Assert.Equal("invalid_api_key", (await GatewayHost.JsonAsync(second)).GetProperty("error").GetProperty("code").GetString());
        Assert.Empty(host.Primary.Requests);
    }

    [Fact]
    public async Task AddGatewayAuthentication_JwtOn_ApiKeysStillWork()
    {
        await using var host = await GatewayHost.StartAsync(Jwt);
        host.Primary.Enqueue(WireScenario.Text("ok"));

        using var response = await host.Client.PostAsync("v1/chat/completions", GatewayHost.Chat("fast"), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
