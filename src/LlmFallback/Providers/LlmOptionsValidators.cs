using Microsoft.Extensions.Options;

namespace LlmFallback;

/// <summary>Validates each named provider's options with messages that name the configuration key.</summary>
internal sealed class LlmProviderOptionsValidator(IEnumerable<LlmProviderRegistration> registrations) : IValidateOptions<LlmProviderOptions>
{
    private readonly Dictionary<string, string> _paths = Paths(registrations);

    public ValidateOptionsResult Validate(string? name, LlmProviderOptions options)
    {
        if (name is null || !_paths.TryGetValue(name, out var path))
        {
            return ValidateOptionsResult.Skip;
        }

        var errors = new List<string>();
        LlmOptionsValidation.ValidateProvider(options, path, errors);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static Dictionary<string, string> Paths(IEnumerable<LlmProviderRegistration> registrations)
    {
        var paths = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var r in registrations)
        {
            paths.TryAdd(r.Name, r.ConfigurationPath);
        }

        return paths;
    }
}

/// <summary>Validates <see cref="FallbackOptions"/> with messages that name the configuration key.</summary>
internal sealed class FallbackOptionsValidator(string prefix) : IValidateOptions<FallbackOptions>
{
    public ValidateOptionsResult Validate(string? name, FallbackOptions options)
    {
        var errors = new List<string>();
        LlmOptionsValidation.ValidateFallback(options, prefix, errors);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}

/// <summary>Validates <see cref="LlmRetryBudgetOptions"/> with messages that name the configuration key.</summary>
internal sealed class LlmRetryBudgetOptionsValidator(string prefix) : IValidateOptions<LlmRetryBudgetOptions>
{
    public ValidateOptionsResult Validate(string? name, LlmRetryBudgetOptions options)
    {
        var errors = new List<string>();
        LlmOptionsValidation.ValidateRetryBudget(options, prefix, errors);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
