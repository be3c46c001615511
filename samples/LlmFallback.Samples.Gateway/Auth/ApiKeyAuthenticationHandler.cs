using System.Text.Encodings.Web;
using LlmFallback.Samples.Gateway.Endpoints;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace LlmFallback.Samples.Gateway.Auth;

/// <summary>
/// Authenticates <c>Authorization: Bearer lfk_...</c> (what every OpenAI client sends) or <c>api-key: lfk_...</c>
/// against the hashed keys; answers challenges and refusals with OpenAI's error JSON.
/// </summary>
internal sealed class ApiKeyAuthenticationHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, ApiKeyStore store)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var presented = Credentials.Read(Request);
        if (presented is null)
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        var principal = store.Authenticate(presented);
        return Task.FromResult(principal is null
            ? AuthenticateResult.Fail("The API key is not valid.")
            : AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName)));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties) =>
        ErrorWriter.WriteAsync(Context, GatewayError.Unauthorized(Credentials.Read(Request) is null
            ? "You didn't provide an API key. Send it in the Authorization header as 'Bearer <key>'."
            : "Incorrect API key provided."));

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        ErrorWriter.WriteAsync(Context, new GatewayError(403, "invalid_request_error", "permission_denied", "This API key is not allowed to do this."));
}

/// <summary>Where a caller's credentials are read from.</summary>
internal static class Credentials
{
    /// <summary>The bearer token, else the <c>api-key</c> header (Azure OpenAI clients); <see langword="null"/> when neither is sent.</summary>
    public static string? Read(HttpRequest request)
    {
        var authorization = request.Headers.Authorization.ToString();
        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            var token = authorization["Bearer ".Length..].Trim();
            return token.Length == 0 ? null : token;
        }

        var apiKey = request.Headers["api-key"].ToString();
        return apiKey.Length == 0 ? null : apiKey;
    }

    /// <summary>Whether the token has a JWT's shape (three base64url parts), not an API key's.</summary>
    public static bool IsJwt(string token) => token.Count('.') == 2 && !token.StartsWith(ApiKeyHasher.Prefix, StringComparison.Ordinal);
}
