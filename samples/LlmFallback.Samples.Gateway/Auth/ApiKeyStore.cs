using System.Security.Claims;
using LlmFallback.Samples.Gateway.Hosting;
using Microsoft.Extensions.Options;

namespace LlmFallback.Samples.Gateway.Auth;

/// <summary>The configured API keys, parsed once; turns a presented key into the caller's identity.</summary>
internal sealed class ApiKeyStore
{
    /// <summary>Checked when the presented id is unknown, so an unknown id costs what a wrong secret costs.</summary>
    private static readonly StoredApiKey Decoy = NewDecoy();

    private readonly Dictionary<string, (StoredApiKey Stored, ApiKeyOptions Options)>.AlternateLookup<ReadOnlySpan<char>> _keys;

    public ApiKeyStore(IOptions<GatewayOptions> options)
    {
        var keys = new Dictionary<string, (StoredApiKey, ApiKeyOptions)>(StringComparer.Ordinal);
        foreach (var (id, key) in options.Value.ApiKeys)
        {
            if (StoredApiKey.TryParse(key.Hash, out var stored))
            {
                keys[id] = (stored!, key);
            }
        }

        _keys = keys.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>The caller a valid key stands for; <see langword="null"/> for an unknown or wrong key.</summary>
    public ClaimsPrincipal? Authenticate(string presented)
    {
        if (!ApiKeyHasher.TryGetId(presented, out var id) || !_keys.TryGetValue(id, out var actualId, out var entry))
        {
            Decoy.Matches(presented);
            return null;
        }

        if (!entry.Stored.Matches(presented))
        {
            return null;
        }

        var claims = new List<Claim>(4 + entry.Options.Models.Count) { new(GatewayClaims.KeyId, actualId) };
        if (entry.Options.User is { } user)
        {
            claims.Add(new Claim(GatewayClaims.User, user));
        }

        if (entry.Options.Tenant is { } tenant)
        {
            claims.Add(new Claim(GatewayClaims.Tenant, tenant));
        }

        foreach (var model in entry.Options.Models)
        {
            claims.Add(new Claim(GatewayClaims.Model, model));
        }

        return new ClaimsPrincipal(new ClaimsIdentity(claims, GatewayClaims.AuthenticationType));
    }

    /// <summary>The key's own requests per minute, if it has one.</summary>
    public int? RequestsPerMinute(string id) => _keys.Dictionary.TryGetValue(id, out var entry) ? entry.Options.RequestsPerMinute : null;

    private static StoredApiKey NewDecoy() =>
        StoredApiKey.TryParse(ApiKeyHasher.Hash("decoy"), out var decoy) ? decoy! : throw new InvalidOperationException("The decoy key does not parse.");
}
