using Microsoft.Extensions.Options;

namespace LlmFallback.Anthropic;

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
