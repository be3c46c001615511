using Microsoft.Extensions.Options;

namespace LlmFallback.Gemini;

/// <summary>Validates what a Gemini provider needs at start: a model and a key. Messages name the configuration key, never a value of a secret.</summary>
internal sealed class GeminiProviderOptionsValidator(GeminiRegistration registration, Func<string, string?> environment) : IValidateOptions<LlmProviderOptions>
{
    public ValidateOptionsResult Validate(string? name, LlmProviderOptions options)
    {
        if (name is null || !GeminiRegistration.IsGemini(options.Type))
        {
            return ValidateOptionsResult.Skip;
        }

        var path = registration.PathOf(name);
        List<string>? errors = null;
        if (GeminiNames.ValidateModel(options.Model) is { } modelError)
        {
            (errors ??= []).Add($"{path}:Model {modelError}");
        }

        if (GeminiApiKey.Resolve(options.ApiKey, environment) is null)
        {
            (errors ??= []).Add($"{path}:ApiKey is required for a Gemini provider: set it (from a secret store, not a committed file) or the GEMINI_API_KEY or GOOGLE_API_KEY environment variable.");
        }

        return errors is null ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}

/// <summary>Validates <see cref="GeminiOptions"/> with messages that name the configuration key.</summary>
internal sealed class GeminiOptionsValidator(GeminiRegistration registration) : IValidateOptions<GeminiOptions>
{
    public ValidateOptionsResult Validate(string? name, GeminiOptions options)
    {
        if (string.IsNullOrEmpty(name))
        {
            return ValidateOptionsResult.Skip;
        }

        var path = registration.PathOf(name);
        List<string>? errors = null;
        if (GeminiNames.ValidateApiVersion(options.ApiVersion) is { } error)
        {
            (errors ??= []).Add($"{path}:ApiVersion {error}");
        }

        if (options.SafetySettings is null)
        {
            (errors ??= []).Add($"{path}:SafetySettings must not be null.");
        }
        else
        {
            foreach (var (category, threshold) in options.SafetySettings)
            {
                if (GeminiSafety.Validate(category, threshold) is { } safetyError)
                {
                    (errors ??= []).Add($"{path}:SafetySettings:{category} {safetyError}");
                }
            }
        }

        return errors is null ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
