using System.Net;
using System.Security.Claims;
using LlmFallback.Samples.Gateway.Auth;
using Microsoft.AspNetCore.Http;

namespace LlmFallback.Samples.Gateway.Tests.Auth;

public sealed class CallerIdentityTests
{
    private static ClaimsPrincipal Principal(params Claim[] claims) => new(new ClaimsIdentity(claims, GatewayClaims.AuthenticationType));

    [Fact]
    public void Apply_KeyWithoutFixedUser_QualifiesRequestUserByKeyId()
    {
        var options = new ChatOptions();

        CallerIdentity.Apply(Principal(new Claim(GatewayClaims.KeyId, "app")), "end-user-7", options);

        Assert.Equal("app", options.GetApiKeyId());
        Assert.Equal("app:end-user-7", options.GetUser());
        Assert.Null(options.GetTenant());
    }

    [Fact]
    public void Apply_KeyWithFixedUserAndTenant_IgnoresRequestUser()
    {
        var options = new ChatOptions();

        CallerIdentity.Apply(Principal(new Claim(GatewayClaims.KeyId, "app"), new Claim(GatewayClaims.User, "svc"), new Claim(GatewayClaims.Tenant, "acme")), "someone", options);

        Assert.Equal("svc", options.GetUser());
        Assert.Equal("acme", options.GetTenant());
    }

    [Fact]
    public void Partition_PrefersKeyThenClientThenUserThenAddress()
    {
        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = IPAddress.Loopback;

        Assert.Equal("ip:127.0.0.1", CallerIdentity.Partition(context));
        context.User = Principal(new Claim(GatewayClaims.User, "u"));
        Assert.Equal("user:u", CallerIdentity.Partition(context));
        context.User = Principal(new Claim(GatewayClaims.User, "u"), new Claim(GatewayClaims.Client, "web"));
        Assert.Equal("client:web", CallerIdentity.Partition(context));
        context.User = Principal(new Claim(GatewayClaims.User, "u"), new Claim(GatewayClaims.Client, "web"), new Claim(GatewayClaims.KeyId, "k"));
        Assert.Equal("key:k", CallerIdentity.Partition(context));
    }

    [Fact]
    public void MayUse_ModelList_RestrictsCaseInsensitively()
    {
        Assert.True(CallerIdentity.MayUse(Principal(), "anything"));
        Assert.True(CallerIdentity.MayUse(Principal(new Claim(GatewayClaims.Model, "smart")), "SMART"));
        Assert.False(CallerIdentity.MayUse(Principal(new Claim(GatewayClaims.Model, "smart")), "fast"));
    }
}
