using System.Security.Claims;

namespace LlmFallback.Samples.Gateway.Auth;

/// <summary>Who is calling, as the pipeline (limits, budgets, cache scope, audit) and the rate limiter see it.</summary>
internal static class CallerIdentity
{
    /// <summary>
    /// Puts the caller's key id, user and tenant on <paramref name="options"/>. A key without a fixed user takes the
    /// request's <c>user</c> field as the end user, qualified by the key id so two keys' users never meet.
    /// </summary>
    public static void Apply(ClaimsPrincipal principal, string? endUser, ChatOptions options)
    {
        var keyId = principal.FindFirst(GatewayClaims.KeyId)?.Value;
        if (keyId is not null)
        {
            options.WithApiKeyId(keyId);
        }

        var user = principal.FindFirst(GatewayClaims.User)?.Value;
        if (user is null && !string.IsNullOrWhiteSpace(endUser))
        {
            user = (keyId ?? principal.FindFirst(GatewayClaims.Client)?.Value ?? "anonymous") + ":" + endUser;
        }

        if (user is not null)
        {
            options.WithUser(user);
        }

        if (principal.FindFirst(GatewayClaims.Tenant)?.Value is { } tenant)
        {
            options.WithTenant(tenant);
        }
    }

    /// <summary>The rate-limit partition: the API key, else the JWT's client, else its user, else the remote address.</summary>
    public static string Partition(HttpContext context)
    {
        var principal = context.User;
        return principal.FindFirst(GatewayClaims.KeyId)?.Value is { } key ? "key:" + key
            : principal.FindFirst(GatewayClaims.Client)?.Value is { } client ? "client:" + client
            : principal.FindFirst(GatewayClaims.User)?.Value is { } user ? "user:" + user
            : "ip:" + context.Connection.RemoteIpAddress;
    }

    /// <summary>Whether the caller may use <paramref name="model"/>: a key with a model list may use only those.</summary>
    public static bool MayUse(ClaimsPrincipal principal, string model)
    {
        var restricted = false;
        foreach (var claim in principal.FindAll(GatewayClaims.Model))
        {
            restricted = true;
            if (string.Equals(claim.Value, model, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return !restricted;
    }
}
