using LlmFallback.Samples.Gateway.Auth;
using Microsoft.Extensions.Options;

namespace LlmFallback.Samples.Gateway.Hosting;

/// <summary>Validates <see cref="GatewayOptions"/> at start, with messages that name the configuration key (never a secret's value).</summary>
internal sealed class GatewayOptionsValidator : IValidateOptions<GatewayOptions>
{
    private const string S = GatewayOptions.SectionName;

    public ValidateOptionsResult Validate(string? name, GatewayOptions options)
    {
        var errors = new List<string>();
        if (!options.AllowAnonymous && options.ApiKeys.Count == 0 && !options.Jwt.Enabled)
        {
            errors.Add($"{S} has no API key ({S}:ApiKeys) and no JWT settings ({S}:Jwt), and {S}:AllowAnonymous is false: no request could be served. Make a key with 'dotnet run -- new-key <id>'.");
        }

        foreach (var (id, key) in options.ApiKeys)
        {
            if (!ApiKeyHasher.IsValidId(id))
            {
                errors.Add($"{S}:ApiKeys:{id} is not a valid key id: use 1 to 64 letters, digits or '-'.");
            }

            if (!StoredApiKey.TryParse(key.Hash, out _))
            {
                errors.Add($"{S}:ApiKeys:{id}:Hash must be a hash made by 'dotnet run -- new-key {id}' (v1.<salt>.<digest>), never the key itself.");
            }

            if (key.RequestsPerMinute is <= 0)
            {
                errors.Add($"{S}:ApiKeys:{id}:RequestsPerMinute must be positive (was {key.RequestsPerMinute}).");
            }
        }

        if (options.RequestsPerMinute <= 0)
        {
            errors.Add($"{S}:RequestsPerMinute must be positive (was {options.RequestsPerMinute}).");
        }

        if (options.MaxRequestBodyBytes < 1024)
        {
            errors.Add($"{S}:MaxRequestBodyBytes must be at least 1024 (was {options.MaxRequestBodyBytes}).");
        }

        ValidateJwt(options.Jwt, errors);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void ValidateJwt(JwtOptions jwt, List<string> errors)
    {
        if (!jwt.Enabled)
        {
            return;
        }

        if (string.IsNullOrEmpty(jwt.Audience))
        {
            errors.Add($"{S}:Jwt:Audience is required when JWTs are accepted.");
        }

        if (!string.IsNullOrEmpty(jwt.SigningKey))
        {
            Span<byte> bytes = stackalloc byte[512];
            if (!Convert.TryFromBase64String(jwt.SigningKey, bytes, out var length) || length < 32)
            {
                errors.Add($"{S}:Jwt:SigningKey must be base64 of at least 32 bytes.");
            }

            if (string.IsNullOrEmpty(jwt.Issuer) && string.IsNullOrEmpty(jwt.Authority))
            {
                errors.Add($"{S}:Jwt:Issuer is required with {S}:Jwt:SigningKey.");
            }
        }
    }
}
