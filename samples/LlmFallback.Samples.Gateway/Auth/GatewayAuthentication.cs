using System.Security.Claims;
using LlmFallback.Samples.Gateway.Endpoints;
using LlmFallback.Samples.Gateway.Hosting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.IdentityModel.Tokens;

namespace LlmFallback.Samples.Gateway.Auth;

/// <summary>
/// API keys and (when configured) JWT bearer tokens behind one policy scheme that picks by the token's shape, and the
/// <see cref="PolicyName"/> authorization policy the API endpoints require.
/// </summary>
internal static class GatewayAuthentication
{
    public const string SchemeName = "Gateway";
    public const string PolicyName = "GatewayCaller";

    public static void AddGatewayAuthentication(this IServiceCollection services, GatewayOptions options)
    {
        services.AddSingleton<ApiKeyStore>();
        var jwt = options.Jwt;
        var authentication = services.AddAuthentication(SchemeName)
            .AddPolicyScheme(SchemeName, "API key or JWT", o => o.ForwardDefaultSelector = context =>
                jwt.Enabled && Credentials.Read(context.Request) is { } token && Credentials.IsJwt(token) ? JwtBearerDefaults.AuthenticationScheme : ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        if (jwt.Enabled)
        {
            authentication.AddJwtBearer(o => ConfigureJwt(o, jwt));
        }

        var allowAnonymous = options.AllowAnonymous;
        services.AddAuthorizationBuilder().AddPolicy(PolicyName, policy => policy.RequireAssertion(context =>
            context.User.Identity?.IsAuthenticated == true
            || (allowAnonymous && context.Resource is HttpContext http && Credentials.Read(http.Request) is null)));
    }

    private static void ConfigureJwt(JwtBearerOptions o, JwtOptions jwt)
    {
        o.MapInboundClaims = false;
        o.Audience = jwt.Audience;
        if (!string.IsNullOrEmpty(jwt.Authority))
        {
            o.Authority = jwt.Authority;
        }

        if (!string.IsNullOrEmpty(jwt.SigningKey))
        {
            o.TokenValidationParameters.IssuerSigningKey = new SymmetricSecurityKey(Convert.FromBase64String(jwt.SigningKey));
            o.TokenValidationParameters.ValidIssuer = jwt.Issuer;
        }

        o.TokenValidationParameters.ValidAudience = jwt.Audience;
        o.TokenValidationParameters.ClockSkew = TimeSpan.FromSeconds(30);
        o.Events = new JwtBearerEvents
        {
            OnTokenValidated = context =>
            {
                context.Principal?.AddIdentity(Identity(context.Principal, jwt));
                return Task.CompletedTask;
            },
            OnChallenge = context =>
            {
                context.HandleResponse();
                return ErrorWriter.WriteAsync(context.HttpContext, GatewayError.Unauthorized("The bearer token is not valid."));
            },
            OnForbidden = context => ErrorWriter.WriteAsync(context.HttpContext, new GatewayError(403, "invalid_request_error", "permission_denied", "This token is not allowed to do this.")),
        };
    }

    /// <summary>The gateway's claims, read from the token's configured user, tenant and client claims.</summary>
    private static ClaimsIdentity Identity(ClaimsPrincipal principal, JwtOptions jwt)
    {
        var claims = new List<Claim>(3);
        Add(claims, GatewayClaims.User, principal.FindFirst(jwt.UserClaim)?.Value);
        Add(claims, GatewayClaims.Tenant, principal.FindFirst(jwt.TenantClaim)?.Value);
        Add(claims, GatewayClaims.Client, principal.FindFirst(jwt.ClientClaim)?.Value ?? principal.FindFirst("client_id")?.Value);
        return new ClaimsIdentity(claims);

        static void Add(List<Claim> claims, string type, string? value)
        {
            if (!string.IsNullOrEmpty(value))
            {
                claims.Add(new Claim(type, value));
            }
        }
    }
}
