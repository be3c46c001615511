using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace LlmFallback.Anthropic;

/// <summary>Binds <see cref="AnthropicProviderOptions"/> of each provider from <c>Providers:&lt;name&gt;</c> of the LLM configuration.</summary>
internal sealed class AnthropicOptionsBinder(IConfiguration configuration) : IConfigureNamedOptions<AnthropicProviderOptions>
{
    public void Configure(string? name, AnthropicProviderOptions options)
    {
        if (!string.IsNullOrEmpty(name))
        {
            configuration.GetSection("Providers").GetSection(name).Bind(options);
        }
    }

    public void Configure(AnthropicProviderOptions options) => Configure(Options.DefaultName, options);
}

/// <summary>Validates <see cref="AnthropicProviderOptions"/> with messages naming the configuration key.</summary>
internal sealed class AnthropicOptionsValidator(string configurationPath) : IValidateOptions<AnthropicProviderOptions>
{
    public ValidateOptionsResult Validate(string? name, AnthropicProviderOptions options)
    {
        if (string.IsNullOrEmpty(name))
        {
            return ValidateOptionsResult.Skip;
        }

        var prefix = $"{configurationPath}:Providers:{name}";
        var errors = new List<string>();
        if (!IsApiVersion(options.ApiVersion))
        {
            errors.Add($"{prefix}:ApiVersion must be a Messages API version date such as {AnthropicProviderOptions.DefaultApiVersion} (was '{options.ApiVersion}').");
        }

        if (options.Betas is null)
        {
            errors.Add($"{prefix}:Betas must not be null.");
        }
        else
        {
            for (var i = 0; i < options.Betas.Count; i++)
            {
                if (!IsToken(options.Betas[i]))
                {
                    errors.Add($"{prefix}:Betas:{i.ToString(CultureInfo.InvariantCulture)} must name one beta feature, such as files-api-2025-04-14, without spaces or commas.");
                }
            }
        }

        if (options.MaxTokens is < 1 or > 1_000_000)
        {
            errors.Add($"{prefix}:MaxTokens must be between 1 and 1000000 (was {options.MaxTokens.ToString(CultureInfo.InvariantCulture)}).");
        }

        if (!Enum.IsDefined(options.ThinkingMode))
        {
            errors.Add($"{prefix}:ThinkingMode has an unknown value '{options.ThinkingMode}'; expected Adaptive or Extended.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static bool IsApiVersion(string? value) =>
        value is { Length: 10 } && DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _);

    private static bool IsToken(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return false;
        }

        foreach (var c in value)
        {
            if (c == ',' || char.IsWhiteSpace(c) || char.IsControl(c))
            {
                return false;
            }
        }

        return true;
    }
}

/// <summary>
/// Checks what an Anthropic provider needs from the shared options: a model, and a key from configuration or
/// <c>ANTHROPIC_API_KEY</c>. The key's value never appears in a message.
/// </summary>
internal sealed class AnthropicProviderOptionsValidator(string configurationPath, Func<string, string?> getEnvironmentVariable) : IValidateOptions<LlmProviderOptions>
{
    public ValidateOptionsResult Validate(string? name, LlmProviderOptions options)
    {
        if (string.IsNullOrEmpty(name) || !AnthropicProviderType.Is(options.Type))
        {
            return ValidateOptionsResult.Skip;
        }

        var prefix = $"{configurationPath}:Providers:{name}";
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Model))
        {
            errors.Add($"{prefix}:Model is required for an Anthropic provider: name a Claude model, such as claude-sonnet-4-5.");
        }

        if (string.IsNullOrWhiteSpace(options.ApiKey) && string.IsNullOrWhiteSpace(getEnvironmentVariable(AnthropicProviderOptions.ApiKeyEnvironmentVariable)))
        {
            errors.Add($"{prefix}:ApiKey is not set and the {AnthropicProviderOptions.ApiKeyEnvironmentVariable} environment variable is empty: set one of them (prefer the variable or a secret store to a committed file).");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}

/// <summary>
/// Fills the capabilities of an Anthropic provider's model where they are unset: a null context window or maximum
/// output, and a vision, JSON schema or prefill flag that configuration does not name and that is still at its
/// default. Runs after configuration and code have set the options.
/// </summary>
internal sealed class AnthropicCapabilityDefaults(IConfiguration? configuration, IOptionsMonitor<AnthropicProviderOptions> adapterOptions) : IPostConfigureOptions<LlmProviderOptions>
{
    public void PostConfigure(string? name, LlmProviderOptions options)
    {
        if (string.IsNullOrEmpty(name)
            || !AnthropicProviderType.Is(options.Type)
            || options.Capabilities is not { } caps
            || !AnthropicModelCatalog.TryGet(options.Model, out var model)
            || !adapterOptions.Get(name).ApplyModelDefaults)
        {
            return;
        }

        var configured = configuration?.GetSection("Providers").GetSection(name).GetSection("Capabilities");
        caps.ContextWindow ??= model.ContextWindow;
        caps.MaxOutputTokens ??= model.MaxOutputTokens;
        if (!caps.Vision && !IsSet(configured, nameof(LlmProviderCapabilities.Vision)))
        {
            caps.Vision = true;
        }

        if (!caps.JsonSchema && !IsSet(configured, nameof(LlmProviderCapabilities.JsonSchema)))
        {
            caps.JsonSchema = model.JsonSchema;
        }

        if (!caps.PrefillContinuation && !IsSet(configured, nameof(LlmProviderCapabilities.PrefillContinuation)))
        {
            caps.PrefillContinuation = model.PrefillContinuation;
        }
    }

    private static bool IsSet(IConfigurationSection? section, string key) => section?.GetSection(key).Value is not null;
}
