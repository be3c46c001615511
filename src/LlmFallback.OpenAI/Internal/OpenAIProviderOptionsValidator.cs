using Microsoft.Extensions.Options;

namespace LlmFallback.OpenAI;

/// <summary>
/// Validates providers of the OpenAI types: what the adapter needs from <see cref="LlmProviderOptions"/> and its own
/// <see cref="OpenAIProviderOptions"/>, with messages that name the configuration key and never echo a key's value.
/// </summary>
internal sealed class OpenAIProviderOptionsValidator(IOptionsMonitor<OpenAIProviderOptions> adapters, string configurationPath) : IValidateOptions<LlmProviderOptions>
{
    public ValidateOptionsResult Validate(string? name, LlmProviderOptions options)
    {
        if (name is null || OpenAIProviderTypes.Normalize(options.Type) is null)
        {
            return ValidateOptionsResult.Skip;
        }

        var errors = new List<string>();
        Validate($"{configurationPath}:Providers:{name}", options, adapters.Get(name), errors);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    internal static void Validate(string prefix, LlmProviderOptions options, OpenAIProviderOptions adapter, List<string> errors)
    {
        var settings = OpenAIProviderSettings.Resolve(options, adapter)!;
        var type = settings.Type;
        if (string.IsNullOrWhiteSpace(options.Model))
        {
            errors.Add(settings.IsAzure
                ? $"{prefix}:Model is required for type {type}: the name of the deployment."
                : $"{prefix}:Model is required for type {type}: the model to call, for example gpt-4o-mini.");
        }

        var isCompatible = ReferenceEquals(type, OpenAIProviderTypes.OpenAICompatible);
        if (!string.IsNullOrWhiteSpace(adapter.Preset))
        {
            if (!isCompatible)
            {
                errors.Add($"{prefix}:Preset applies only to type {OpenAIProviderTypes.OpenAICompatible} (this provider is {type}).");
            }
            else if (settings.Preset is null)
            {
                errors.Add($"{prefix}:Preset '{Printable(adapter.Preset)}' is not a known preset; expected one of: {OpenAIPreset.Names}.");
            }
        }

        if (settings.IsAzure && options.Endpoint is null)
        {
            errors.Add($"{prefix}:Endpoint is required for type {type}: the resource's v1 address, https://<resource>.openai.azure.com/openai/v1/.");
        }
        else if (isCompatible && settings.Endpoint is null && string.IsNullOrWhiteSpace(adapter.Preset))
        {
            errors.Add($"{prefix}:Endpoint is required for type {type} without a Preset: the server's base address, for example http://localhost:8000/v1.");
        }

        if (settings.ApiKeyRequired && settings.GetApiKey(options) is null)
        {
            errors.Add(settings.ApiKeyEnvironmentVariable is { } variable
                ? $"{prefix}:ApiKey is required for type {type}{PresetSuffix(settings)}: set it, or the {variable} environment variable."
                : $"{prefix}:ApiKey is required for type {type}{PresetSuffix(settings)}.");
        }

        if (!ReferenceEquals(type, OpenAIProviderTypes.OpenAI))
        {
            if (!string.IsNullOrEmpty(adapter.Organization))
            {
                errors.Add($"{prefix}:Organization applies only to type {OpenAIProviderTypes.OpenAI}.");
            }

            if (!string.IsNullOrEmpty(adapter.Project))
            {
                errors.Add($"{prefix}:Project applies only to type {OpenAIProviderTypes.OpenAI}.");
            }
        }

        if (adapter.ApiVersion is { } apiVersion)
        {
            if (!settings.IsAzure)
            {
                errors.Add($"{prefix}:ApiVersion applies only to type {OpenAIProviderTypes.AzureOpenAI}.");
            }
            else if (!IsToken(apiVersion))
            {
                errors.Add($"{prefix}:ApiVersion must be a version such as 'preview' or '2025-04-01-preview'.");
            }
        }

        if (adapter.PrefillMode is { } mode && !Enum.IsDefined(mode))
        {
            errors.Add($"{prefix}:PrefillMode has an unknown value '{mode}'; expected one of: {string.Join(", ", Enum.GetNames<OpenAIPrefillMode>())}.");
        }

        if (adapter.NetworkTimeout != Timeout.InfiniteTimeSpan && adapter.NetworkTimeout <= TimeSpan.Zero)
        {
            errors.Add($"{prefix}:NetworkTimeout must be positive, or infinite (-00:00:00.001).");
        }

        if (adapter.Headers is null)
        {
            errors.Add($"{prefix}:Headers must not be null.");
        }
        else
        {
            foreach (var header in adapter.Headers)
            {
                if (!IsToken(header.Key))
                {
                    errors.Add($"{prefix}:Headers has an invalid header name '{Printable(header.Key)}'.");
                }
                else if (header.Value is null || header.Value.AsSpan().IndexOfAny('\r', '\n') >= 0)
                {
                    // The value may be a secret: name the header, never print the value.
                    errors.Add($"{prefix}:Headers:{header.Key} must be a single-line value.");
                }
            }
        }
    }

    private static string PresetSuffix(OpenAIProviderSettings settings) => settings.Preset is { } preset ? $" with Preset {preset.Name}" : string.Empty;

    private static bool IsToken(string? text)
    {
        if (string.IsNullOrEmpty(text) || text.Length > 64)
        {
            return false;
        }

        foreach (var c in text)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
            {
                return false;
            }
        }

        return true;
    }

    private static string Printable(string text) => IsToken(text.Replace(' ', '_')) ? text : "(unprintable)";
}
