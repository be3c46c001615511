using LlmFallback.Samples.Gateway.Auth;
using LlmFallback.Samples.Gateway.Hosting;

namespace LlmFallback.Samples.Gateway.Tests.Hosting;

public sealed class GatewayOptionsValidatorTests
{
    [Fact]
    public void Defaults_AreDocumentedValues()
    {
        var options = new GatewayOptions();

        Assert.False(options.AllowAnonymous);
        Assert.Empty(options.ApiKeys);
        Assert.False(options.Jwt.Enabled);
        Assert.Equal(600, options.RequestsPerMinute);
        Assert.Equal(4 * 1024 * 1024, options.MaxRequestBodyBytes);
        Assert.True(options.ExposeCallInfo);
        Assert.Equal("sub", options.Jwt.UserClaim);
        Assert.Equal("tid", options.Jwt.TenantClaim);
        Assert.Equal("azp", options.Jwt.ClientClaim);
    }

    [Fact]
    public void Validate_NoWayToAuthenticate_FailsNamingTheKeys()
    {
        var result = new GatewayOptionsValidator().Validate(null, new GatewayOptions());

        Assert.Equal(
            "Gateway has no API key (Gateway:ApiKeys) and no JWT settings (Gateway:Jwt), and Gateway:AllowAnonymous is false: no request could be served. Make a key with 'dotnet run -- new-key <id>'.",
            Assert.Single(result.Failures!));
    }

    [Fact]
    public void Validate_KeyStoredInsteadOfHash_FailsWithoutEchoingIt()
    {
        var key = ApiKeyHasher.NewKey("app");
        var options = new GatewayOptions { ApiKeys = { ["app"] = new ApiKeyOptions { Hash = key, RequestsPerMinute = 0 } } };

        var failures = new GatewayOptionsValidator().Validate(null, options).Failures!.ToList();

        Assert.Equal(
            ["Gateway:ApiKeys:app:Hash must be a hash made by 'dotnet run -- new-key app' (v1.<salt>.<digest>), never the key itself.",
             "Gateway:ApiKeys:app:RequestsPerMinute must be positive (was 0)."],
            failures);
        Assert.All(failures, f => Assert.DoesNotContain(key, f, StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_OutOfRangeLimitsAndBadJwt_FailsNamingEachKey()
    {
        var options = new GatewayOptions
        {
            AllowAnonymous = true,
            RequestsPerMinute = 0,
            MaxRequestBodyBytes = 10,
            ApiKeys = { ["bad id"] = new ApiKeyOptions { Hash = ApiKeyHasher.Hash("x") } },
            Jwt = new JwtOptions { SigningKey = "c2hvcnQ=" },
        };

        var failures = new GatewayOptionsValidator().Validate(null, options).Failures!.ToList();

        Assert.Equal(
            ["Gateway:ApiKeys:bad id is not a valid key id: use 1 to 64 letters, digits or '-'.",
             "Gateway:RequestsPerMinute must be positive (was 0).",
             "Gateway:MaxRequestBodyBytes must be at least 1024 (was 10).",
             "Gateway:Jwt:Audience is required when JWTs are accepted.",
             "Gateway:Jwt:SigningKey must be base64 of at least 32 bytes.",
             "Gateway:Jwt:Issuer is required with Gateway:Jwt:SigningKey."],
            failures);
    }

    [Fact]
    public void Validate_KeysConfigured_Succeeds()
    {
        var options = new GatewayOptions { ApiKeys = { ["app"] = new ApiKeyOptions { Hash = ApiKeyHasher.Hash(ApiKeyHasher.NewKey("app")) } } };

        Assert.True(new GatewayOptionsValidator().Validate(null, options).Succeeded);
    }
}
