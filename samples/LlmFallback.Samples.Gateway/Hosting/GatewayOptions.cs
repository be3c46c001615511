namespace LlmFallback.Samples.Gateway.Hosting;

/// <summary>The gateway's own settings (configuration section <c>Gateway</c>).</summary>
internal sealed class GatewayOptions
{
    public const string SectionName = "Gateway";

    /// <summary>Gets or sets a value indicating whether callers without credentials are served (keys and tokens presented are still checked).</summary>
    /// <value>The default is <see langword="false"/>: every request needs an API key or a token.</value>
    public bool AllowAnonymous { get; set; }

    /// <summary>Gets or sets the API keys, by id. Only their salted hashes are configured (<c>dotnet run -- new-key &lt;id&gt;</c> makes one).</summary>
    /// <value>The default is none.</value>
    public Dictionary<string, ApiKeyOptions> ApiKeys { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Gets or sets the JWT bearer settings; JWTs are accepted when <c>Authority</c> or <c>SigningKey</c> is set.</summary>
    /// <value>The default is off.</value>
    public JwtOptions Jwt { get; set; } = new();

    /// <summary>Gets or sets the requests per minute each caller (API key, JWT client, or anonymous address) may make.</summary>
    /// <value>The default is 600.</value>
    public int RequestsPerMinute { get; set; } = 600;

    /// <summary>Gets or sets the largest request body accepted, in bytes (larger: 413).</summary>
    /// <value>The default is 4 MiB.</value>
    public long MaxRequestBodyBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>Gets or sets a value indicating whether answers say who answered (<c>x-llmfallback-*</c> headers, the <c>llmfallback</c> field of a stream's last chunk).</summary>
    /// <value>The default is <see langword="true"/>.</value>
    public bool ExposeCallInfo { get; set; } = true;
}

/// <summary>One API key (configuration <c>Gateway:ApiKeys:&lt;id&gt;</c>).</summary>
internal sealed class ApiKeyOptions
{
    /// <summary>Gets or sets the key's salted hash, <c>v1.&lt;salt&gt;.&lt;HMAC-SHA256&gt;</c> (base64url), as <c>new-key</c> prints it.</summary>
    /// <value>The default is none (required).</value>
    public string? Hash { get; set; }

    /// <summary>Gets or sets the user every request with this key acts as (limits, budgets, cache scope, audit).</summary>
    /// <value>The default is none: the request's <c>user</c> field, qualified by the key id, is the user.</value>
    public string? User { get; set; }

    /// <summary>Gets or sets the tenant of the key's requests.</summary>
    /// <value>The default is none.</value>
    public string? Tenant { get; set; }

    /// <summary>Gets or sets this key's own requests per minute.</summary>
    /// <value>The default is <see cref="GatewayOptions.RequestsPerMinute"/>.</value>
    public int? RequestsPerMinute { get; set; }

    /// <summary>Gets or sets the models (routes, aliases, model names) this key may use.</summary>
    /// <value>The default is empty: every model.</value>
    public List<string> Models { get; set; } = [];
}

/// <summary>JWT bearer settings (configuration <c>Gateway:Jwt</c>).</summary>
internal sealed class JwtOptions
{
    /// <summary>Gets or sets the OpenID Connect authority whose signing keys are trusted (discovery document).</summary>
    /// <value>The default is none.</value>
    public string? Authority { get; set; }

    /// <summary>Gets or sets the audience tokens must carry.</summary>
    /// <value>The default is none (required when JWTs are on).</value>
    public string? Audience { get; set; }

    /// <summary>Gets or sets the issuer tokens must carry (with <see cref="SigningKey"/>; an authority supplies its own).</summary>
    /// <value>The default is none.</value>
    public string? Issuer { get; set; }

    /// <summary>Gets or sets a symmetric signing key (base64, at least 32 bytes), for setups without an authority. Keep it out of files.</summary>
    /// <value>The default is none.</value>
    public string? SigningKey { get; set; }

    /// <summary>Gets or sets the claim that names the user.</summary>
    /// <value>The default is <c>sub</c>.</value>
    public string UserClaim { get; set; } = "sub";

    /// <summary>Gets or sets the claim that names the tenant.</summary>
    /// <value>The default is <c>tid</c>.</value>
    public string TenantClaim { get; set; } = "tid";

    /// <summary>Gets or sets the claim that names the calling application (the rate-limit partition).</summary>
    /// <value>The default is <c>azp</c>.</value>
    public string ClientClaim { get; set; } = "azp";

    /// <summary>Gets a value indicating whether JWTs are accepted.</summary>
    public bool Enabled => !string.IsNullOrEmpty(Authority) || !string.IsNullOrEmpty(SigningKey);
}
