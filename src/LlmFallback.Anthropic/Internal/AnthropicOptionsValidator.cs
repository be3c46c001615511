using System.Globalization;
using Microsoft.Extensions.Options;

namespace LlmFallback.Anthropic;

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
